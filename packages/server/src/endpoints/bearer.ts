import type { FastifyReply, FastifyRequest } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { ServerContext } from '../context.js';
import { DPOP_ALGORITHMS, DpopProofError } from '../dpop/proof.js';
import { checkRequestProof } from '../dpop/request-proof.js';
import { accessTokenVerdict } from './access-token-state.js';
import { issuerOf } from '../tokens/issue.js';
import { SIGNING_ALG } from '../tokens/signing-keys.js';

/** RFC 6750 §2.1 / RFC 9449 §7.1: `Bearer <token>` or `DPoP <token>`, scheme case-insensitive. */
const AUTHORIZATION = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/i;

/** The authorization scheme of a challenge: the one of the token presented. */
export type AuthScheme = 'Bearer' | 'DPoP';

/** Outcome of {@link authenticateBearer}. */
export type BearerResult =
  | { readonly kind: 'valid'; readonly claims: JWTPayload; readonly scheme: AuthScheme }
  /** No `Authorization` header: RFC 6750 §3.1 says to answer without an error code. */
  | { readonly kind: 'missing' }
  /** A token or proof that does not verify. */
  | {
      readonly kind: 'invalid';
      readonly scheme: AuthScheme;
      readonly error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce';
    }
  /** Verified, but its approval was revoked (`approvals revoke`): answer `invalid_token`. */
  | { readonly kind: 'revoked'; readonly scheme: AuthScheme }
  /**
   * Verified, but issued before the user's tokens were revoked (`users revoke`): answer a claims
   * challenge, `error="insufficient_claims"` with `claims` (access-token-state.ts).
   */
  | { readonly kind: 'insufficient_claims'; readonly scheme: AuthScheme; readonly claims: string };

/**
 * Verifies the access token of a request the way every protected endpoint of this server does
 * (`/api/me`, userinfo): a JWT signed with one of the server's keys (live or retired,
 * {@link SIGNING_ALG} only), issued by one of the served tenants, for the API audience
 * (`apiAudience`), within its lifetime on the server's clock. Then sender constraint (RFC 9449
 * §7): a token bound to a DPoP key (`cnf.jkt`) is only accepted as `Authorization: DPoP` with a
 * proof by that key for this request (`htm`, `htu` = `publicUrl` + path, `ath`, a current nonce
 * when nonces are on, a `jti` not seen before); presented as a bearer token it is refused, so a
 * stolen bound token is useless without the key. An unbound token must come as `Bearer`. With
 * nonces on, every DPoP response carries the current nonce (`DPoP-Nonce`). Last, the revocation
 * state (access-token-state.ts): `revoked` or `insufficient_claims` instead of `valid`.
 */
export async function authenticateBearer(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<BearerResult> {
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (match === null) return { kind: 'missing' };
  const scheme: AuthScheme = match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const token = match[2]!;
  let claims: JWTPayload;
  try {
    const keys = createLocalJWKSet(await context.keys.jwks());
    ({ payload: claims } = await jwtVerify(token, keys, {
      algorithms: [SIGNING_ALG],
      audience: context.config.apiAudience,
      issuer: context.config.tenants.map((tenant) => issuerOf(context, tenant)),
      currentDate: new Date(context.clock.now()),
    }));
  } catch {
    return { kind: 'invalid', scheme, error: 'invalid_token' };
  }
  const jkt = boundKey(claims);
  // A bound token as a bearer token (§7.2), or an unbound one as DPoP: refused either way.
  if ((jkt === undefined) !== (scheme === 'Bearer')) return { kind: 'invalid', scheme: 'DPoP', error: 'invalid_token' };
  if (jkt === undefined) return checkedState(context, claims, scheme);
  try {
    const proof = await checkRequestProof(context, request, reply, token);
    if (proof.jkt !== jkt) return { kind: 'invalid', scheme, error: 'invalid_dpop_proof' };
  } catch (error) {
    if (error instanceof DpopProofError) return { kind: 'invalid', scheme, error: error.code };
    throw error;
  }
  return checkedState(context, claims, scheme);
}

/** A verified token after the revocation check (access-token-state.ts): one store read. */
async function checkedState(context: ServerContext, claims: JWTPayload, scheme: AuthScheme): Promise<BearerResult> {
  const verdict = await accessTokenVerdict(context, claims);
  if (verdict.kind === 'live') return { kind: 'valid', claims, scheme };
  if (verdict.kind === 'revoked') return { kind: 'revoked', scheme };
  return { kind: 'insufficient_claims', scheme, claims: verdict.claims };
}

/** The `cnf.jkt` of a token's claims (RFC 9449 §6.1), when it has one. */
function boundKey(claims: JWTPayload): string | undefined {
  const cnf = claims['cnf'];
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as Record<string, unknown>)['jkt'];
  return typeof jkt === 'string' ? jkt : undefined;
}

/** What a 401 challenge says besides the scheme. */
export interface ChallengeDetails {
  readonly error?: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' | 'insufficient_claims';
  /** `insufficient_claims`: the claims request, base64-encoded JSON (as Entra sends it). */
  readonly claims?: string;
}

/**
 * Answers 401 with the RFC 6750 §3 / RFC 9449 §7.1 challenge and returns the JSON body to send.
 * `scheme` undefined (no token presented): both challenges, `Bearer realm="…"` and `DPoP
 * algs="…"`, without an error code. Otherwise one challenge in the scheme of the token, with
 * `error` and (for claims challenges) `claims`; DPoP challenges list the accepted algorithms.
 */
export function bearerChallenge(
  reply: FastifyReply,
  context: ServerContext,
  scheme?: AuthScheme,
  details: ChallengeDetails = {},
): { error: string } {
  const realm = `realm="${context.config.publicUrl}"`;
  const algs = `algs="${DPOP_ALGORITHMS.join(' ')}"`;
  const challenge = (name: AuthScheme): string => {
    const parts = [`${name} ${realm}`];
    if (details.error !== undefined) parts.push(`error="${details.error}"`);
    if (details.claims !== undefined) parts.push(`claims="${details.claims}"`);
    if (name === 'DPoP') parts.push(algs);
    return parts.join(', ');
  };
  const header = scheme === undefined ? [challenge('Bearer'), challenge('DPoP')] : challenge(scheme);
  void reply.code(401).header('www-authenticate', header).header('cache-control', 'no-store');
  return { error: details.error ?? 'unauthorized' };
}
