import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { authenticateBearer, bearerChallenge } from './bearer.js';

/**
 * `GET /api/me`, the demo protected web API (the seed's "appel d'API web"): verifies the bearer
 * access token ({@link authenticateBearer}: signature against the JWKS, issuer of a served
 * tenant, audience, expiry) and returns the caller's claims.
 */
export function registerApiMe(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/me', async (request, reply) => {
    const bearer = await authenticateBearer(context, request, reply);
    if (bearer.kind === 'missing') return bearerChallenge(reply, context);
    if (bearer.kind === 'invalid') return bearerChallenge(reply, context, bearer.scheme, { error: bearer.error });
    if (bearer.kind === 'revoked') return bearerChallenge(reply, context, bearer.scheme, { error: 'invalid_token' });
    if (bearer.kind === 'insufficient_claims') {
      return bearerChallenge(reply, context, bearer.scheme, { error: 'insufficient_claims', claims: bearer.claims });
    }
    const claims = bearer.claims;
    void reply.header('cache-control', 'no-store');
    return {
      sub: claims.sub,
      oid: claims['oid'],
      tid: claims['tid'],
      preferred_username: claims['preferred_username'],
      scp: claims['scp'],
      azp: claims['azp'],
      iss: claims.iss,
      aud: claims.aud,
      exp: claims.exp,
    };
  });
}
