import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { ServerContext } from '../context.js';
import { sha256 } from '../crypto.js';
import { oauthErrors } from '../errors.js';
import { issuerOf } from '../tokens/issue.js';
import { SIGNING_ALG } from '../tokens/signing-keys.js';
import { accessTokenVerdict } from './access-token-state.js';
import { tenantOf, type TenantParams } from './tenant.js';

/** The answer for every token that is not live (RFC 7662 §2.2: nothing else is said). */
const INACTIVE = Object.freeze({ active: false });

/**
 * `POST /{tenant}/oauth2/v2.0/introspect` (RFC 7662), for resource servers elsewhere that cannot
 * read the store: form body `token`, optional `token_type_hint` (accepted and ignored: a JWT is an
 * access token, anything else is looked up as a refresh token). Callers authenticate with the
 * configured `introspectionSecret`, as `Authorization: Bearer <secret>` or HTTP Basic with any
 * user name and the secret as password (compared in constant time); without the secret
 * configured, or with a wrong one, the answer is 401. Then (`no-store`):
 *
 * - a live access token (verified as `/api/me` verifies it, its approval not revoked, issued
 *   after the user's valid-after time, its user enabled): `active`, `scope`, `client_id`,
 *   `username`, `token_type` (`DPoP` when bound, with `cnf`), `exp`, `iat`, `nbf`, `sub`, `aud`,
 *   `iss`, `jti`, `sid`;
 * - a live refresh token (stored, not rotated, revoked or expired, its approval not revoked, its
 *   user enabled): `active`, `scope`, `client_id`, `username`, `sub`, `exp`, `iat`, and `cnf`
 *   when it is DPoP-bound;
 * - anything else: `{"active":false}`.
 *
 * Whichever tenant path is used (the token names its issuer), as for revocation. Never logs the
 * token or the secret.
 */
export function registerIntrospection(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Params: TenantParams; Body: Record<string, string | undefined> }>(
    '/:tenant/oauth2/v2.0/introspect',
    async (request, reply) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      if (!authenticated(request.headers.authorization, context.config.introspectionSecret)) {
        request.log.info('introspection refused: no valid resource server secret');
        const realm = `realm="${context.config.publicUrl}"`;
        void reply.code(401).header('www-authenticate', [`Bearer ${realm}`, `Basic ${realm}`]);
        return {
          error: 'invalid_client',
          error_description: 'Introspection needs the resource server secret (Bearer or Basic authentication).',
        };
      }
      tenantOf(context, request.params);
      const token = request.body?.['token'];
      if (token === undefined || token === '') throw oauthErrors.invalidRequest("The request must contain 'token'.");
      const jwt = token.split('.').length === 3;
      const answer = jwt ? await accessToken(context, token) : await refreshToken(context, token);
      request.log.info(
        { kind: jwt ? 'access_token' : 'refresh_token', active: answer['active'] },
        'token introspected',
      );
      return answer;
    },
  );
}

/** The introspection of a JWT: active only if it verifies and its revocation state is live. */
async function accessToken(context: ServerContext, token: string): Promise<Record<string, unknown>> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(await context.keys.jwks()), {
      algorithms: [SIGNING_ALG],
      audience: context.config.apiAudience,
      issuer: context.config.tenants.map((tenant) => issuerOf(context, tenant)),
      currentDate: new Date(context.clock.now()),
    }));
  } catch {
    return INACTIVE;
  }
  if ((await accessTokenVerdict(context, claims)).kind !== 'live') return INACTIVE;
  const oid = claims['oid'];
  const user = typeof oid === 'string' ? await context.store.findUserById(oid) : undefined;
  if (user === undefined || user.disabled) return INACTIVE;
  const cnf = claims['cnf'];
  const bound = typeof cnf === 'object' && cnf !== null;
  return {
    active: true,
    scope: claims['scp'],
    client_id: claims['azp'],
    username: claims['preferred_username'],
    token_type: bound ? 'DPoP' : 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    nbf: claims.nbf,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
    sid: claims['sid'],
    ...(bound ? { cnf } : {}),
  };
}

/** The introspection of an opaque token: a refresh token looked up by hash. */
async function refreshToken(context: ServerContext, token: string): Promise<Record<string, unknown>> {
  const { store } = context;
  const record = await store.findRefreshToken(sha256(token));
  if (
    record === undefined ||
    record.rotatedAt !== undefined ||
    record.revokedAt !== undefined ||
    record.expiresAt <= context.clock.now()
  ) {
    return INACTIVE;
  }
  if ((await store.accessTokenState(record.grantId, record.subject)).grantRevoked) return INACTIVE;
  const user = await store.findUserById(record.subject);
  if (user === undefined || user.disabled) return INACTIVE;
  return {
    active: true,
    scope: record.scope,
    client_id: record.clientId,
    username: user.username,
    sub: record.subject,
    exp: Math.floor(record.expiresAt / 1000),
    iat: Math.floor(record.createdAt / 1000),
    ...(record.dpopJkt === undefined ? {} : { cnf: { jkt: record.dpopJkt } }),
  };
}

/**
 * Does the `Authorization` header carry the introspection secret? `Bearer <secret>`, or `Basic`
 * with any user name and the secret as password (as sent, or form-decoded as RFC 6749 §2.3.1
 * has clients encode it). False when no secret is configured.
 */
function authenticated(header: string | undefined, secret: string | undefined): boolean {
  if (secret === undefined || header === undefined) return false;
  const bearer = /^Bearer +(\S+)$/i.exec(header)?.[1];
  if (bearer !== undefined) return sameSecret(bearer, secret);
  const basic = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header)?.[1];
  if (basic === undefined) return false;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const password = decoded.slice(colon + 1);
  return sameSecret(password, secret) || sameSecret(formDecoded(password), secret);
}

/** `application/x-www-form-urlencoded` decoding; the text itself when it is not valid. */
function formDecoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Constant time whatever the lengths: compares SHA-256 digests. */
function sameSecret(presented: string, secret: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(secret));
}
