import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../crypto.js';
import type { DeviceCodeRecord } from '../store/store.js';
import { usernameKey } from '../store/username-key.js';
import { codeBlockedPage } from '../views/code-blocked-page.js';
import { rateLimitedPage } from '../views/rate-limited-page.js';
import { recordCodeFailure, recordFailure, retryAfterLimit, type Counter } from './limits.js';
import { ENTRY_SESSION_MS, sendPage, startSession, type VerificationDeps } from './shared.js';

/**
 * The sign-in budgets one attempt is charged to: per IP and per account (the code's tenant and
 * the username, hashed: bounded key length, and no usernames in the counters table). Wrong
 * passwords and wrong second-factor codes (TOTP, recovery) share them.
 */
export function signInCounters(deps: VerificationDeps, ip: string, tenant: string, username: string): Counter[] {
  const { signInPerAccount, signInPerIp } = deps.limits;
  return [
    { key: `verify:signin:ip:${ip}`, ...signInPerIp },
    { key: `verify:signin:account:${tenant}:${sha256(usernameKey(username))}`, ...signInPerAccount },
  ];
}

/** The 429 page when a budget is used up (reads only), else undefined. */
export async function rateLimited(
  deps: VerificationDeps,
  reply: FastifyReply,
  budget: readonly Counter[],
  now: number,
): Promise<FastifyReply | undefined> {
  const retryAt = await retryAfterLimit(deps.context.store, budget, now);
  if (retryAt === undefined) return undefined;
  void reply.header('retry-after', String(Math.ceil((retryAt - now) / 1000)));
  deps.context.metrics.guessingLimitHits.inc({ limit: 'sign_in' });
  return sendPage(reply, 429, rateLimitedPage(retryAt, now));
}

/**
 * Counts one failed attempt against `budget` and against the device code. The failure that uses
 * up the code's budget denies it (the device gets `access_denied`): the answer is then the
 * "code blocked" page and a session bound to no code. Otherwise undefined: the caller shows its
 * own error page.
 */
export async function chargeSignInFailure(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  budget: readonly Counter[],
  record: DeviceCodeRecord,
  what: string,
): Promise<FastifyReply | undefined> {
  const { store, clock } = deps.context;
  const now = clock.now();
  await recordFailure(store, budget, now);
  if ((await recordCodeFailure(store, record, now)) < deps.limits.signInPerCode.max) return undefined;
  // False when the code was decided or expired meanwhile: no longer pending either way.
  if (await store.denyDeviceCode(record.id, now)) {
    deps.context.metrics.decisions.inc({ outcome: 'blocked' });
    await deps.context.events.publish(record.id); // wakes a held token request (long-poll)
  }
  request.log.warn({ deviceCodeId: record.id }, `device code denied: too many failed ${what}`);
  startSession(deps, request, reply, { expiresAt: now + ENTRY_SESSION_MS }, now);
  return sendPage(reply, 403, codeBlockedPage());
}
