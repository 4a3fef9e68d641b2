import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { authenticateBearer, bearerChallenge } from './bearer.js';
import { tenantOf, type TenantParams } from './tenant.js';

/**
 * `GET` and `POST /{tenant}/oidc/userinfo` (OpenID Connect Core §5.3). The access token goes in
 * the `Authorization: Bearer` header (RFC 6750 §2.1; the optional form-body and query methods are
 * not supported) and is verified like `/api/me`'s ({@link authenticateBearer}): this server
 * issues access tokens for one audience, the demo API (`apiAudience`), and userinfo accepts that
 * audience, as Entra's userinfo accepts its Graph tokens, instead of minting a second token.
 *
 * The claims are read from the store by the token's `oid`, so they are current: a user disabled
 * or deleted since the token was issued gets 401 `invalid_token`, as does a user of another
 * tenant than the path's (any tenant under `common`). Answers `sub` (equal to the id_token's),
 * `name` and `preferred_username`, the profile claims the id_token carries; no `email` (not
 * stored).
 */
export function registerUserinfo(app: FastifyInstance, context: ServerContext): void {
  const handler = async (
    request: FastifyRequest<{ Params: TenantParams }>,
    reply: FastifyReply,
  ): Promise<Record<string, unknown>> => {
    const tenant = tenantOf(context, request.params);
    const bearer = await authenticateBearer(context, request, reply);
    if (bearer.kind === 'missing') return bearerChallenge(reply, context);
    if (bearer.kind === 'invalid') return bearerChallenge(reply, context, bearer.scheme, { error: bearer.error });
    if (bearer.kind === 'revoked') return bearerChallenge(reply, context, bearer.scheme, { error: 'invalid_token' });
    if (bearer.kind === 'insufficient_claims') {
      return bearerChallenge(reply, context, bearer.scheme, { error: 'insufficient_claims', claims: bearer.claims });
    }
    const oid = bearer.claims['oid'];
    const user = typeof oid === 'string' ? await context.store.findUserById(oid) : undefined;
    if (user === undefined || user.disabled || (tenant !== 'common' && user.tenant !== tenant)) {
      return bearerChallenge(reply, context, bearer.scheme, { error: 'invalid_token' });
    }
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return { sub: user.id, name: user.displayName, preferred_username: user.username };
  };
  app.get<{ Params: TenantParams }>('/:tenant/oidc/userinfo', handler);
  app.post<{ Params: TenantParams }>('/:tenant/oidc/userinfo', handler);
}
