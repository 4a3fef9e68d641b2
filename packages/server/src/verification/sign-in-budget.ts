import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../crypto.js';
import type { DeviceCodeRecord } from '../store/store.js';
import { usernameKey } from '../store/username-key.js';
import { codeBlockedPage } from '../views/code-blocked-page.js';
import { rateLimitedPage } from '../views/rate-limited-page.js';
import {
  codeFailureKey,
  countAttempt,
  countAttempts,
  recordCodeFailure,
  recordSuccess,
  type Counter,
} from './limits.js';
import { ENTRY_SESSION_MS, sendPage, startSession, type VerificationDeps } from './shared.js';

/**
 * The sign-in budgets one attempt is charged to, in the order they are checked: per IP, then per
 * account (the code's tenant and the username, hashed: bounded key length, and no usernames in
 * the counters table). Wrong passwords and wrong second-factor codes (TOTP, recovery) share them.
 */
export function signInCounters(deps: VerificationDeps, ip: string, tenant: string, username: string): Counter[] {
  const { signInPerAccount, signInPerIp } = deps.limits;
  return [
    { key: `verify:signin:ip:${ip}`, ...signInPerIp },
    { key: `verify:signin:account:${tenant}:${sha256(usernameKey(username))}`, ...signInPerAccount },
  ];
}

/** A sign-in attempt counted against its budgets: refused (the page sent), or to be evaluated. */
export type SignInAttempt =
  | { readonly kind: 'refused'; readonly reply: FastifyReply }
  | {
      readonly kind: 'counted';
      /** The password (or second-factor code) was right: gives the attempt back to the budgets. */
      succeeded(): Promise<void>;
    };

/**
 * The device code's attempt gate: its sign-in attempts not given back by a success may not exceed
 * the per-code budget. Every attempt is counted in the window holding the code's expiry (windows
 * of its lifetime, aligned on multiples of it): one counter for the code's whole life, that ends,
 * and is purged, at most one lifetime after the code expires, never before.
 */
function codeAttempts(deps: VerificationDeps, record: Pick<DeviceCodeRecord, 'id' | 'createdAt' | 'expiresAt'>) {
  const counter: Counter = {
    key: codeFailureKey(record),
    max: deps.limits.signInPerCode.max,
    windowMs: Math.max(1, record.expiresAt - record.createdAt),
  };
  return { counter, at: record.expiresAt };
}

/**
 * Counts this attempt before the password (or code) is checked: attempt first, each decision on
 * the count its own atomic increment returned (limits.ts, `countAttempt`), so that concurrent
 * requests, from any number of addresses and instances, never get more evaluated than a budget
 * allows. In order:
 *
 * 1. Per IP, then per account (`countAttempts`): the first over its budget refuses, 429, and the
 *    account is not charged for an address over its own.
 * 2. The device code's gate: more attempts out on one code than its budget (failures, and attempts
 *    in flight: only a concurrent burst gets there, as the failure reaching the budget denies the
 *    code first otherwise) denies the code as that failure would, with the same page.
 *
 * A wrong answer needs nothing more against these (the attempt is the failure), but is recorded
 * against the code with {@link chargeSignInFailure}; a right one calls `succeeded`.
 */
export async function countSignInAttempt(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  budget: readonly Counter[],
  record: DeviceCodeRecord,
  what: string,
): Promise<SignInAttempt> {
  const { store, clock } = deps.context;
  const now = clock.now();
  const attempt = await countAttempts(store, budget, now);
  const retryAt = attempt.retryAt;
  if (retryAt !== undefined) {
    void reply.header('retry-after', String(Math.ceil((retryAt - now) / 1000)));
    deps.context.metrics.guessingLimitHits.inc({ limit: 'sign_in' });
    return { kind: 'refused', reply: await sendPage(reply, 429, rateLimitedPage(retryAt, now)) };
  }
  const code = codeAttempts(deps, record);
  if ((await countAttempt(store, code.counter, code.at)) > code.counter.max) {
    return { kind: 'refused', reply: await blockCode(deps, request, reply, record, what, now) };
  }
  return {
    kind: 'counted',
    succeeded: async () => {
      await attempt.succeeded();
      await recordSuccess(store, [code.counter], code.at);
    },
  };
}

/**
 * Counts one failed attempt against the device code (its budgets counted it already, as an
 * attempt: {@link countSignInAttempt}). The failure that uses up the code's budget denies it (the
 * device gets `access_denied`): the answer is then the "code blocked" page and a session bound
 * to no code. Otherwise undefined: the caller shows its own error page.
 *
 * The count is one atomic increment whose result decides: concurrent failures are all counted,
 * the one that reaches `max` (and any past it) denies, and `denyDeviceCode` is a conditional
 * write, so the code is denied once. That alone bounds the failures recorded, not the attempts
 * already past the pending check when the code is denied: the gate of `countSignInAttempt`
 * bounds those.
 */
export async function chargeSignInFailure(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  record: DeviceCodeRecord,
  what: string,
): Promise<FastifyReply | undefined> {
  const { store, clock } = deps.context;
  const now = clock.now();
  if ((await recordCodeFailure(store, record, now)) < deps.limits.signInPerCode.max) return undefined;
  return blockCode(deps, request, reply, record, what, now);
}

/** Denies the code for too many failures: the "code blocked" page and a session bound to no code. */
async function blockCode(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  record: DeviceCodeRecord,
  what: string,
  now: number,
): Promise<FastifyReply> {
  const { store } = deps.context;
  // False when the code was decided or expired meanwhile: no longer pending either way.
  if (await store.denyDeviceCode(record.id, now)) {
    deps.context.metrics.decisions.inc({ outcome: 'blocked' });
    await deps.context.events.publish(record.id); // wakes a held token request (long-poll)
  }
  request.log.warn({ deviceCodeId: record.id }, `device code denied: too many failed ${what}`);
  startSession(deps, request, reply, { expiresAt: now + ENTRY_SESSION_MS }, now);
  return sendPage(reply, 403, codeBlockedPage());
}
