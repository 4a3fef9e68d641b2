import { randomUUID } from 'node:crypto';
import { sha256 } from '../../crypto.js';
import { OAuthError, oauthErrors } from '../../errors.js';
import { issueTokens } from '../../tokens/issue.js';
import { tokenLifetimes } from '../../tokens/lifetimes.js';
import { requireAllowedScopes, requireClient, requireDeviceGrant } from '../client-checks.js';
import type { Grant } from './grant.js';
import { PollTracker } from './poll-tracker.js';

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
 * Pending: reads only (no write, no signing). Approved: one conditional write consumes the code
 * and the tokens are minted once. Replay of a consumed code revokes everything issued from it.
 * Expiry is checked in every state. At pick-up the client's current policy applies (device grant
 * on, scopes still allowed, its token lifetimes); pending polls do not read it.
 */
export function deviceCodeGrant(): Grant {
  const tracker = new PollTracker();
  return {
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'],
    async handle(context, { tenant, form }) {
      const { store, clock } = context;
      const deviceCode = form['device_code'] ?? form['code'];
      const clientId = form['client_id'];
      if (deviceCode === undefined || deviceCode === '')
        throw oauthErrors.invalidRequest("The request must contain 'device_code'.");
      if (clientId === undefined || clientId === '')
        throw oauthErrors.invalidRequest("The request must contain 'client_id'.");
      const record = await store.findDeviceCodeByHash(sha256(deviceCode));
      if (record === undefined || record.clientId !== clientId || (record.tenant !== tenant && tenant !== 'common')) {
        throw new OAuthError(400, 'bad_verification_code', 'The device code is not valid.');
      }
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
          throw tracker.poll(record.id, record.interval, record.expiresAt, now) === 'slow_down'
            ? SLOW_DOWN
            : AUTHORIZATION_PENDING;
        case 'denied':
          tracker.forget(record.id);
          throw new OAuthError(400, 'access_denied', 'The user declined the sign-in.');
        case 'approved': {
          tracker.forget(record.id);
          // The client's policy now, not when the code was issued: switched off or narrowed since,
          // the code gets no tokens (it stays unconsumed and expires).
          const client = await requireClient(context, clientId);
          requireDeviceGrant(client);
          requireAllowedScopes(client, (record.grantedScope ?? record.scope).split(' '));
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
          });
        }
      }
    },
  };
}
