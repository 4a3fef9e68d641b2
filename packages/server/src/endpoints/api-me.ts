import type { FastifyInstance, FastifyReply } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { ServerContext } from '../context.js';
import { issuerOf } from '../tokens/issue.js';
import { SIGNING_ALG } from '../tokens/signing-keys.js';

function challenge(reply: FastifyReply, context: ServerContext, error?: string): { error: string } {
  const parts = [`Bearer realm="${context.config.publicUrl}"`];
  if (error !== undefined) parts.push(`error="${error}"`);
  void reply.code(401).header('www-authenticate', parts.join(', ')).header('cache-control', 'no-store');
  return { error: error ?? 'unauthorized' };
}

/**
 * `GET /api/me`, the demo protected web API (the seed's "appel d'API web"): verifies the bearer
 * access token against the server's JWKS (signature, issuer of a served tenant, audience, expiry)
 * and returns the caller's claims.
 */
export function registerApiMe(app: FastifyInstance, context: ServerContext): void {
  const issuers = context.config.tenants.map((tenant) => issuerOf(context, tenant));
  app.get('/api/me', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (match === null) return challenge(reply, context);
    let claims: JWTPayload;
    try {
      const keys = createLocalJWKSet(await context.keys.jwks());
      ({ payload: claims } = await jwtVerify(match[1]!, keys, {
        algorithms: [SIGNING_ALG],
        audience: context.config.apiAudience,
        issuer: issuers,
        currentDate: new Date(context.clock.now()),
      }));
    } catch {
      return challenge(reply, context, 'invalid_token');
    }
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
