import { findSigningUser } from './user-lookup.js';
import type { FastifyInstance } from 'fastify';
import { hashPassword, randomToken, sha256, verifyPassword } from '../crypto.js';
import type { UserRecord } from '../store/store.js';
import { usernameKey } from '../store/username-key.js';
import { rateLimitedPage } from '../views/rate-limited-page.js';
import { signInPage } from '../views/sign-in-page.js';
import { codeBlockedPage } from '../views/code-blocked-page.js';
import { recordCodeFailure, recordFailure, retryAfterLimit, type Counter } from './limits.js';
import { PATHS } from './paths.js';
import { pendingStep, ENTRY_SESSION_MS, formField, sendPage, startSession, type VerificationDeps } from './shared.js';

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;

/** A hash to check passwords of unknown users against, so they take as long as known ones. */
let decoyHash: Promise<string> | undefined;

async function passwordMatches(user: UserRecord | undefined, password: string): Promise<boolean> {
  const stored = user?.passwordHash ?? (await (decoyHash ??= hashPassword(randomToken())));
  const matches = await verifyPassword(password, stored);
  return matches && user !== undefined && !user.disabled;
}

function counters(deps: VerificationDeps, ip: string, tenant: string, username: string): Counter[] {
  const { signInPerAccount, signInPerIp } = deps.limits;
  return [
    { key: `verify:signin:ip:${ip}`, ...signInPerIp },
    // Hashed: bounded key length, and no usernames in the counters table.
    { key: `verify:signin:account:${tenant}:${sha256(usernameKey(username))}`, ...signInPerAccount },
  ];
}

/**
 * `GET /device/signin` asks for username and password in the code's tenant; `POST` checks them
 * within per-account and per-IP failure budgets. An unknown user, a wrong password and a disabled
 * account get the same page (and the same scrypt work); success rotates the session and binds it
 * to the user, then goes on to consent. Failures also count against the device code itself: the
 * one that uses up its budget denies the code (the device gets `access_denied`) and the page says
 * it was blocked, so a phished or guessed code cannot be used to try passwords.
 */
export function registerSignIn(scope: FastifyInstance, deps: VerificationDeps): void {
  scope.get(PATHS.signIn, async (request, reply) => {
    const step = await pendingStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    if (step.session.userId !== undefined) return reply.redirect(PATHS.consent, 303);
    return sendPage(reply, 200, signInPage({ csrf: deps.csrf.token(step.session), tenant: step.record.tenant }));
  });

  scope.post(PATHS.signIn, async (request, reply) => {
    const step = await pendingStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    const { session, record } = step;
    const { store, clock } = deps.context;
    const now = clock.now();
    const username = (formField(request.body, 'username') ?? '').trim().slice(0, MAX_USERNAME);
    const password = formField(request.body, 'password') ?? '';
    const budget = counters(deps, request.ip, record.tenant, username);
    const retryAt = await retryAfterLimit(store, budget, now);
    if (retryAt !== undefined) {
      void reply.header('retry-after', String(Math.ceil((retryAt - now) / 1000)));
      return sendPage(reply, 429, rateLimitedPage(retryAt, now));
    }
    const user = username === '' ? undefined : await findSigningUser(deps.context, record.tenant, username);
    const ok = password.length <= MAX_PASSWORD && (await passwordMatches(user, password));
    if (!ok || user === undefined) {
      await recordFailure(store, budget, now);
      if ((await recordCodeFailure(store, record, now)) >= deps.limits.signInPerCode.max) {
        // False when the code was decided or expired meanwhile: no longer pending either way. The
        // browser starts over with a session bound to no code.
        await store.denyDeviceCode(record.id, now);
        request.log.warn({ deviceCodeId: record.id }, 'device code denied: too many failed sign-ins');
        startSession(deps, request, reply, { expiresAt: now + ENTRY_SESSION_MS }, now);
        return sendPage(reply, 403, codeBlockedPage());
      }
      const csrf = deps.csrf.token(session);
      return sendPage(reply, 401, signInPage({ csrf, tenant: record.tenant, username, invalid: true }));
    }
    startSession(
      deps,
      request,
      reply,
      { recordId: record.id, recordKey: record.deviceCodeHash, userId: user.id, expiresAt: session.expiresAt },
      now,
    );
    return reply.redirect(PATHS.consent, 303);
  });
}
