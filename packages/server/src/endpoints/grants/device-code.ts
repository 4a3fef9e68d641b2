import { randomUUID } from 'node:crypto';
import { sha256 } from '../../crypto.js';
import { OAuthError, oauthErrors } from '../../errors.js';
import { issueTokens } from '../../tokens/issue.js';
import { tokenLifetimes } from '../../tokens/lifetimes.js';
import { requireAllowedScopes, requireClient, requireDeviceGrant } from '../client-checks.js';
import { requireDpopPolicy } from '../../dpop/token-request.js';
import type { ServerContext } from '../../context.js';
import type { DeviceCodeRecord } from '../../store/store.js';
import { appliedWait } from '../prefer-wait.js';
import type { Grant, GrantRequest } from './grant.js';
import { holdWhilePending } from './long-poll.js';
import { PollTracker } from './poll-tracker.js';
import { PendingCodes, type PendingCode } from './pending-codes.js';

/**
 * The two answers of the pending path, made once: they are the hot path (every poll of every
 * waiting device) and are answers, not faults, so they need no stack trace; building a fresh
 * Error for each one costs more than the store read (bench/token-endpoint). The error handler
 * only reads them.
 */
const AUTHORIZATION_PENDING = new OAuthError(400, 'authorization_pending', 'The user has not finished signing in yet.');
const SLOW_DOWN = new OAuthError(400, 'slow_down', 'Polling too often: wait longer between requests.');

/**
 * The device code grant (RFC 8628 §3.4–3.5). Accepts the RFC's URN and MSAL's `device_code`.
 * Pending: no write, no signing, and no read either once this instance knows the code is pending
 * (pending-codes.ts: decisions reach it through the long-poll channel). Approved: one conditional write consumes the code
 * and the tokens are minted once. Replay of a consumed code revokes everything issued from it.
 * Expiry is checked in every state. At pick-up the client's current policy applies (device grant
 * on, scopes still allowed, its token lifetimes); pending polls do not read it.
 *
 * Long-poll (`Prefer: wait=N`, RFC 7240; N capped by `longPollMaxWaitSeconds`): a poll of a
 * pending code is held until the user decides or N runs out (long-poll.ts), then answered once
 * more from the store with `Preference-Applied: wait=N`. Without the header nothing changes.
 */
export function deviceCodeGrant(): Grant {
  const tracker = new PollTracker();
  /** Created with the first request (the app's long-poll channel tells it of decisions). */
  let pendingCodes: PendingCodes | undefined;

  /**
   * The record a request names, or `bad_verification_code` (unknown, another client's or
   * tenant's). A code known to be pending comes from memory (pending-codes.ts) unless `fresh`.
   */
  async function find(
    context: ServerContext,
    tenant: string,
    hash: string,
    clientId: string,
    fresh = false,
  ): Promise<DeviceCodeRecord | PendingCode> {
    const known = (pendingCodes ??= new PendingCodes(context.events));
    const now = context.clock.now();
    const named = <T extends Pick<DeviceCodeRecord, 'clientId' | 'tenant'>>(record: T | undefined): T => {
      if (record === undefined || record.clientId !== clientId || (record.tenant !== tenant && tenant !== 'common')) {
        throw new OAuthError(400, 'bad_verification_code', 'The device code is not valid.');
      }
      return record;
    };
    const cached = fresh ? undefined : known.get(hash, now);
    if (cached !== undefined) return named(cached);
    const generation = known.generation;
    const record = named(await context.store.findDeviceCodeByHash(hash));
    known.remember(record, now, generation);
    return record;
  }

  /**
   * The answer for a record. `held`: the poll was held open (long-poll) and counts as respecting
   * the interval, so it is never `slow_down` and lets the next poll come at once.
   */
  async function answer(
    context: ServerContext,
    record: DeviceCodeRecord | PendingCode,
    form: GrantRequest['form'],
    held: boolean,
    dpopJkt: string | undefined,
  ): Promise<Record<string, unknown>> {
    const { store, clock } = context;
    const now = clock.now();
    if (record.status === 'consumed') {
      if (record.grantId !== undefined) await store.revokeGrant(record.grantId, now);
      tracker.forget(record.id);
      throw oauthErrors.invalidGrant('The device code was already redeemed; tokens issued from it are revoked.');
    }
    if (now >= record.expiresAt) {
      tracker.forget(record.id);
      throw new OAuthError(400, 'expired_token', 'The device code has expired.');
    }
    switch (record.status) {
      case 'pending':
        if (held) {
          tracker.held(record.id, record.interval, record.expiresAt, now);
          throw AUTHORIZATION_PENDING;
        }
        throw tracker.poll(record.id, record.interval, record.expiresAt, now) === 'slow_down'
          ? SLOW_DOWN
          : AUTHORIZATION_PENDING;
      case 'denied':
        tracker.forget(record.id);
        throw new OAuthError(400, 'access_denied', 'The user declined the sign-in.');
      case 'approved': {
        tracker.forget(record.id);
        const clientId = record.clientId;
        // The client's policy now, not when the code was issued: switched off or narrowed since,
        // the code gets no tokens (it stays unconsumed and expires).
        const client = await requireClient(context, clientId);
        requireDeviceGrant(client);
        requireAllowedScopes(client, (record.grantedScope ?? record.scope).split(' '));
        requireDpopPolicy(client, dpopJkt);
        const grantId = randomUUID();
        const consumed = await store.consumeDeviceCode(record.id, grantId, now);
        if (consumed === undefined) throw oauthErrors.invalidGrant('The device code was already redeemed.');
        const user = consumed.subject === undefined ? undefined : await store.findUserById(consumed.subject);
        if (user === undefined || user.disabled) throw oauthErrors.invalidGrant('The user account is not available.');
        return issueTokens(context, {
          tenant: consumed.tenant,
          clientId,
          user,
          scope: consumed.grantedScope ?? consumed.scope,
          clientInfo: form['client_info'] === '1',
          grantId,
          lifetimes: tokenLifetimes(context.config, client),
          ...(dpopJkt === undefined ? {} : { dpopJkt }),
        });
      }
    }
  }

  return {
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'],
    async handle(context, { tenant, form, http, reply, dpopJkt }) {
      const deviceCode = form['device_code'] ?? form['code'];
      const clientId = form['client_id'];
      if (deviceCode === undefined || deviceCode === '')
        throw oauthErrors.invalidRequest("The request must contain 'device_code'.");
      if (clientId === undefined || clientId === '')
        throw oauthErrors.invalidRequest("The request must contain 'client_id'.");
      const hash = sha256(deviceCode);
      const record = await find(context, tenant, hash, clientId);
      const wait = reply === undefined ? 0 : appliedWait(http.headers.prefer, context.config.longPollMaxWaitSeconds);
      if (wait === 0 || reply === undefined || record.status !== 'pending' || context.clock.now() >= record.expiresAt)
        return answer(context, record, form, false, dpopJkt);
      // Long-poll: the arrival is a poll like any other (an early one gets slow_down, unheld).
      if (tracker.poll(record.id, record.interval, record.expiresAt, context.clock.now()) === 'slow_down')
        throw SLOW_DOWN;
      const outcome = await holdWhilePending({
        events: context.events,
        deviceCodeId: record.id,
        waitSeconds: wait,
        reply,
        stillPending: async () => {
          const now = await find(context, tenant, hash, clientId, true);
          return now.status === 'pending' && context.clock.now() < now.expiresAt;
        },
      });
      // The client went away: nobody reads the answer, so no more store work.
      if (outcome === 'aborted') throw AUTHORIZATION_PENDING;
      void reply.header('preference-applied', `wait=${wait}`);
      return answer(context, await find(context, tenant, hash, clientId), form, true, dpopJkt);
    },
  };
}
