import { randomToken, sha256 } from '../../crypto.js';
import { OAuthError, oauthErrors } from '../../errors.js';
import { issueTokens } from '../../tokens/issue.js';
import { tokenLifetimes } from '../../tokens/lifetimes.js';
import { requireAllowedScopes, requireClient, requireDeviceGrant } from '../client-checks.js';
import { requireDpopPolicy } from '../../dpop/token-request.js';
import type { Grant } from './grant.js';

/** Scopes about the sign-in itself: always re-grantable with a refresh token. */
const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * The refresh token grant (RFC 6749 §6) for public clients: every use rotates the token; a
 * rotated or revoked token presented again revokes its whole family (RFC 9700 §4.14.2). A dead
 * token answers `invalid_grant` with `suberror: bad_token`, the only form on which msal-node
 * raises InteractionRequiredAuthError. The client's policy is read at every refresh: device grant
 * off → `unauthorized_client`; a scope no longer allowed → `invalid_scope`; its lifetimes apply to
 * the new access and refresh tokens (each rotation gets at most the client's refresh lifetime).
 */
export function refreshTokenGrant(): Grant {
  return {
    grantTypes: ['refresh_token'],
    async handle(context, { tenant, form, dpopJkt }) {
      const { store, clock, config } = context;
      const token = form['refresh_token'];
      const clientId = form['client_id'];
      if (token === undefined || token === '')
        throw oauthErrors.invalidRequest("The request must contain 'refresh_token'.");
      if (clientId === undefined || clientId === '')
        throw oauthErrors.invalidRequest("The request must contain 'client_id'.");
      const hash = sha256(token);
      const existing = await store.findRefreshToken(hash);
      if (existing === undefined) throw oauthErrors.invalidGrant('The refresh token is not valid.', 'bad_token');
      if (existing.clientId !== clientId) {
        throw oauthErrors.invalidGrant('The refresh token was issued to another application.', 'client_mismatch');
      }
      if (existing.tenant !== tenant && tenant !== 'common') {
        throw oauthErrors.invalidGrant('The refresh token was issued by another tenant.', 'bad_token');
      }
      // RFC 9449 §5: a bound refresh token is only good with a proof by its key. Refused without
      // revoking anything: the holder of the key can still use it (a thief cannot).
      if (existing.dpopJkt !== undefined && existing.dpopJkt !== dpopJkt) {
        throw oauthErrors.invalidGrant(
          dpopJkt === undefined
            ? 'The refresh token is bound to a DPoP key: send a DPoP proof made with it.'
            : 'The DPoP proof was not made with the key the refresh token is bound to.',
        );
      }
      const granted = new Set(existing.scope.split(' '));
      const requested = (form['scope'] ?? '').split(/\s+/).filter((s) => s !== '');
      for (const scope of requested) {
        if (!granted.has(scope) && !OIDC_SCOPES.has(scope)) {
          throw new OAuthError(
            400,
            'invalid_scope',
            `The scope '${scope.slice(0, 100)}' was not granted to this session.`,
          );
        }
      }
      // A narrower request gets narrower tokens; the session keeps its refresh capability.
      const scope = requested.length === 0 ? existing.scope : narrowedScope(requested, granted);
      // Per-client policy, read now: every session here was started by the device code grant, so
      // switching it off also stops its refreshes; narrowed scopes and shorter lifetimes apply
      // from the next refresh on. Checked before rotating: a refused token stays as it was.
      const client = await requireClient(context, clientId);
      requireDeviceGrant(client);
      requireAllowedScopes(client, scope.split(' '));
      requireDpopPolicy(client, dpopJkt);
      const lifetimes = tokenLifetimes(config, client);
      const now = clock.now();
      const next = randomToken(32);
      const rotation = await store.rotateRefreshToken(
        hash,
        (previous) => ({
          tokenHash: sha256(next),
          familyId: previous.familyId,
          grantId: previous.grantId,
          clientId: previous.clientId,
          tenant: previous.tenant,
          subject: previous.subject,
          scope: previous.scope,
          createdAt: now,
          expiresAt: now + lifetimes.refreshTokenSeconds * 1000,
          // A bound token stays bound to its key; a bearer one refreshed with a proof becomes
          // bound to that proof's key from now on (RFC 9449 §5: public clients' refresh tokens
          // are bound), so a thief of the old bearer token cannot keep refreshing with keys of
          // their own once the owner has used DPoP, and dpopRequired covers older sessions too.
          ...bindingOf(previous.dpopJkt ?? dpopJkt),
        }),
        now,
      );
      if (rotation.kind === 'reused') {
        throw oauthErrors.invalidGrant('The refresh token was already used; the session is revoked.', 'bad_token');
      }
      if (rotation.kind === 'unknown') throw oauthErrors.invalidGrant('The refresh token is not valid.', 'bad_token');
      const previous = rotation.previous;
      const user = await store.findUserById(previous.subject);
      if (user === undefined || user.disabled) {
        await store.revokeFamily(previous.familyId, now);
        throw oauthErrors.invalidGrant('The user account is not available.', 'bad_token');
      }
      return issueTokens(context, {
        tenant: previous.tenant,
        clientId,
        user,
        scope,
        clientInfo: form['client_info'] === '1',
        grantId: previous.grantId,
        rotatedRefreshToken: next,
        lifetimes,
        ...(dpopJkt === undefined ? {} : { dpopJkt }),
      });
    },
  };
}

/** The requested scopes, plus `offline_access` when the session has it (rotation continues). */
function narrowedScope(requested: readonly string[], granted: ReadonlySet<string>): string {
  const scopes = new Set(requested);
  if (granted.has('offline_access')) scopes.add('offline_access');
  return [...scopes].join(' ');
}

/** The `dpopJkt` field of a stored refresh token: present only when bound. */
function bindingOf(jkt: string | undefined): { dpopJkt?: string } {
  return jkt === undefined ? {} : { dpopJkt: jkt };
}
