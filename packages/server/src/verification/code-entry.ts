import type { FastifyInstance } from 'fastify';
import { normalizeUserCode } from '@devicelogin/protocol';
import { userCodeHash } from '../crypto.js';
import { codeEntryPage } from '../views/code-entry-page.js';
import { rateLimitedPage } from '../views/rate-limited-page.js';
import { checkCodeEntry } from './code-entry-budget.js';
import { linkedUserCode, WELL_FORMED_USER_CODE } from './linked-code.js';
import { prefillAllowed } from './deep-link-policy.js';
import { PATHS } from './paths.js';
import {
  ENTRY_SESSION_MS,
  FLOW_SESSION_MS,
  formField,
  isPending,
  sendPage,
  startSession,
  type VerificationDeps,
} from './shared.js';

/**
 * `GET /device` shows the code form (a `?user_code=` deep link pre-fills it but the user still
 * confirms with Next; a link whose code cannot pre-fill gets a notice over the empty form); `POST /device` counts the attempt against the guessing budgets (refused
 * over budget, before anything is looked up: code-entry-budget.ts), looks the code up by hash
 * and, if it is pending, counts the success, binds the session to it and goes on to sign-in.
 * Unknown, expired, used, denied and malformed codes all get the same page and each counts as a
 * failure (its attempt, not given back).
 */
export function registerCodeEntry(scope: FastifyInstance, deps: VerificationDeps): void {
  scope.get(PATHS.codeEntry, async (request, reply) => {
    const now = deps.context.clock.now();
    const session =
      deps.sessions.read(request, now) ??
      startSession(deps, request, reply, { expiresAt: now + ENTRY_SESSION_MS }, now);
    // Per-client policy: only a pending code whose client allows deep links (deep-link-policy.ts).
    const fromLink = formField(request.query, 'user_code');
    const linked = await prefillAllowed(deps, request.ip, linkedUserCode(fromLink), now);
    // A link whose code cannot pre-fill says so (one notice for every reason, as the form's error).
    const prefill =
      linked !== undefined ? { code: linked, fromLink: true } : fromLink === undefined ? {} : { linkUnusable: true };
    // The language switcher keeps a pre-filled code (and only that) across the switch.
    const keep = linked === undefined ? {} : { user_code: linked };
    return sendPage(reply, 200, codeEntryPage({ csrf: deps.csrf.token(session), ...prefill }), { keep });
  });

  scope.post(PATHS.codeEntry, async (request, reply) => {
    const { store, clock } = deps.context;
    const now = clock.now();
    const budget = await checkCodeEntry(store, deps.limits, request.ip, now);
    const retryAt = budget.retryAt;
    if (retryAt !== undefined) {
      void reply.header('retry-after', String(Math.ceil((retryAt - now) / 1000)));
      // `code_entry_global`: refused because the global budget is spent (an attack: alert on it).
      deps.context.metrics.guessingLimitHits.inc({ limit: budget.underAttack ? 'code_entry_global' : 'code_entry' });
      return sendPage(reply, 429, rateLimitedPage(retryAt, now));
    }
    const code = normalizeUserCode(formField(request.body, 'user_code') ?? '');
    const record = WELL_FORMED_USER_CODE.test(code)
      ? await store.findDeviceCodeByUserCode(userCodeHash(code))
      : undefined;
    if (record === undefined || !isPending(record, now)) {
      // Nothing more to count: the attempt counted by checkCodeEntry is the failure.
      // The session (and so the CSRF token) is kept: the page is the same for every failure.
      const session = deps.sessions.read(request, now);
      return sendPage(reply, 400, codeEntryPage({ csrf: session ? deps.csrf.token(session) : '', invalid: true }));
    }
    await budget.recordSuccess();
    startSession(
      deps,
      request,
      reply,
      {
        recordId: record.id,
        recordKey: record.deviceCodeHash,
        expiresAt: Math.min(record.expiresAt, now + FLOW_SESSION_MS),
      },
      now,
    );
    return reply.redirect(PATHS.signIn, 303);
  });
}
