import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { sha256 } from '../crypto.js';
import { oauthErrors } from '../errors.js';
import { requireClient } from './client-checks.js';
import { tenantOf, type TenantParams } from './tenant.js';

/**
 * `POST /{tenant}/oauth2/v2.0/revoke` (RFC 7009). Form body: `token`, optional `token_type_hint`,
 * and `client_id` (public clients authenticate with it alone; an unknown one is
 * `invalid_client`). A missing `token` is `invalid_request`; every other outcome is an empty 200
 * (`no-store`), so the answer never tells whether a token exists:
 *
 * - a refresh token of this client: its whole grant is revoked (the sign-in it was rotated from,
 *   every rotation of it included, and the approval record), whatever its state and whichever
 *   tenant path is used (the token itself is the credential, and it works at `common` anyway).
 *   As RFC 7009 §2.1 asks of a server that can, the access tokens of that grant die with it: the
 *   demo API, userinfo and introspection refuse them from then on (they check the grant's
 *   approval, see `accessTokenState`); an API elsewhere that verifies the JWT offline still
 *   accepts them until they expire;
 * - a refresh token of another client: nothing is revoked. RFC 7009 §2.1 has the server refuse
 *   such a request; we answer it as an invalid token (§2.2), which does not reveal to that client
 *   that the token exists;
 * - an access token: nothing happens. Access tokens are self-contained JWTs that APIs verify
 *   offline; they stay valid until they expire (`accessTokenTtlSeconds`). Revoke the refresh token
 *   to end the session;
 * - anything else: nothing happens.
 *
 * `token_type_hint` is accepted and ignored: refresh tokens, the only revocable kind, are always
 * looked up (one indexed read), as §2.1 asks when a hint does not match.
 */
export function registerRevocation(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Params: TenantParams; Body: Record<string, string | undefined> }>(
    '/:tenant/oauth2/v2.0/revoke',
    async (request, reply) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      tenantOf(context, request.params);
      const form = request.body ?? {};
      const token = form['token'];
      if (token === undefined || token === '') throw oauthErrors.invalidRequest("The request must contain 'token'.");
      const client = await requireClient(context, form['client_id']);
      const record = await context.store.findRefreshToken(sha256(token));
      if (record !== undefined && record.clientId === client.clientId) {
        const revoked = await context.store.revokeGrant(record.grantId, context.clock.now());
        request.log.info({ clientId: client.clientId, revoked }, 'refresh token grant revoked');
      }
      return reply.code(200).send();
    },
  );
}
