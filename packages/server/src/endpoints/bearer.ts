import type { FastifyReply } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { ServerContext } from '../context.js';
import { issuerOf } from '../tokens/issue.js';
import { SIGNING_ALG } from '../tokens/signing-keys.js';

/** RFC 6750 §2.1: `Bearer <b64token>`, scheme case-insensitive. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/** Outcome of {@link authenticateBearer}. */
export type BearerResult =
  | { readonly kind: 'valid'; readonly claims: JWTPayload }
  /** No `Authorization: Bearer` header: RFC 6750 §3.1 says to answer without an error code. */
  | { readonly kind: 'missing' }
  /** A bearer token that does not verify: `invalid_token`. */
  | { readonly kind: 'invalid' };

/**
 * Verifies the access token of an `Authorization: Bearer` header the way every protected
 * endpoint of this server does (`/api/me`, userinfo): a JWT signed with one of the server's keys
 * (live or retired, {@link SIGNING_ALG} only), issued by one of the served tenants, for the API
 * audience (`apiAudience`), within its lifetime on the server's clock.
 */
export async function authenticateBearer(
  context: ServerContext,
  authorization: string | undefined,
): Promise<BearerResult> {
  const match = BEARER.exec(authorization ?? '');
  if (match === null) return { kind: 'missing' };
  try {
    const keys = createLocalJWKSet(await context.keys.jwks());
    const { payload } = await jwtVerify(match[1]!, keys, {
      algorithms: [SIGNING_ALG],
      audience: context.config.apiAudience,
      issuer: context.config.tenants.map((tenant) => issuerOf(context, tenant)),
      currentDate: new Date(context.clock.now()),
    });
    return { kind: 'valid', claims: payload };
  } catch {
    return { kind: 'invalid' };
  }
}

/**
 * Answers 401 with the RFC 6750 §3 challenge (`WWW-Authenticate: Bearer realm="…"`, plus
 * `error="…"` when a token was presented) and returns the JSON body to send.
 */
export function bearerChallenge(
  reply: FastifyReply,
  context: ServerContext,
  error?: 'invalid_token',
): { error: string } {
  const parts = [`Bearer realm="${context.config.publicUrl}"`];
  if (error !== undefined) parts.push(`error="${error}"`);
  void reply.code(401).header('www-authenticate', parts.join(', ')).header('cache-control', 'no-store');
  return { error: error ?? 'unauthorized' };
}
