import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import type { Clock } from '@devicelogin/protocol';
import { sha256 } from '../crypto.js';
import type { Store } from '../store/store.js';
import type { DpopNonces } from './nonces.js';
import { normalizeHtu } from './htu.js';

/** Asymmetric JWS algorithms accepted in proofs (RFC 9449 §4.3 item 5: never `none` or MACs). */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] as const;

/** Oldest proof accepted, seconds before now (`iat`); nonces bound freshness further. */
export const DPOP_MAX_AGE_SECONDS = 300;

/** How far ahead of the server's clock a proof's `iat` may be, seconds (client clock skew). */
export const DPOP_FUTURE_SKEW_SECONDS = 60;

/** Longest proof read: a proof with an RSA-4096 key is about 1.5 KB. */
const MAX_PROOF_LENGTH = 8192;

/** Why a proof was refused: the OAuth error code to answer and a public description. */
export class DpopProofError extends Error {
  /** `use_dpop_nonce`: retry with the nonce in `DPoP-Nonce`; `invalid_dpop_proof`: anything else. */
  readonly code: 'invalid_dpop_proof' | 'use_dpop_nonce';
  constructor(code: 'invalid_dpop_proof' | 'use_dpop_nonce', message: string) {
    super(message);
    this.name = 'DpopProofError';
    this.code = code;
  }
}

/** What a proof must match. */
export interface ProofExpectations {
  /** The request's method (`htm`). */
  readonly method: string;
  /** The URL the request was made to, as the client named it (`htu`); query and fragment ignored. */
  readonly url: string;
  /** At a protected resource: the access token presented, whose hash `ath` must be. */
  readonly accessToken?: string;
  /** Require a current server nonce (RFC 9449 §8). */
  readonly nonces?: DpopNonces;
}

/** A proof that passed every check. */
export interface VerifiedProof {
  /** The JWK SHA-256 thumbprint (RFC 7638) of the proof's key: what tokens are bound to. */
  readonly jkt: string;
}

const invalid = (message: string): DpopProofError => new DpopProofError('invalid_dpop_proof', message);

/**
 * Checks a `DPoP` header value (RFC 9449 §4.3): one compact JWS of type `dpop+jwt`, signed with
 * an accepted asymmetric algorithm by the public key in its `jwk` header (a private key there is
 * refused), whose claims name this request (`htm`, `htu`), were made recently (`iat` within
 * {@link DPOP_MAX_AGE_SECONDS} back and {@link DPOP_FUTURE_SKEW_SECONDS} ahead), carry a current
 * nonce when asked, hash the access token (`ath`) at a resource, and have a `jti` never seen
 * before with this key. The `jti` is recorded in the store's shared counters, so a proof is
 * usable once across every instance; checked last, so refused proofs cost no write.
 * @throws {DpopProofError} naming what is wrong.
 */
export async function verifyDpopProof(
  header: string | readonly string[] | undefined,
  expect: ProofExpectations,
  deps: { readonly clock: Clock; readonly store: Store },
): Promise<VerifiedProof> {
  if (header === undefined || header === '') throw invalid('A DPoP proof is required.');
  // Node joins repeated headers with ", "; a compact JWS has neither character.
  if (typeof header !== 'string' || /[,\s]/.test(header)) throw invalid('Send exactly one DPoP proof.');
  if (header.length > MAX_PROOF_LENGTH) throw invalid('The DPoP proof is too long.');
  const nowSeconds = Math.floor(deps.clock.now() / 1000);
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(header, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_ALGORITHMS],
      currentDate: new Date(deps.clock.now()),
    });
  } catch (error) {
    throw invalid(joseReason(error));
  }
  const { payload, protectedHeader } = verified;
  const jwk = protectedHeader.jwk as JWK | undefined;
  if (jwk === undefined) throw invalid('The DPoP proof has no key.');
  const { jti, htm, htu, iat, nonce, ath } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw invalid("The DPoP proof's 'jti' is missing.");
  if (htm !== expect.method) throw invalid("The DPoP proof's 'htm' does not match the request method.");
  const expectedHtu = normalizeHtu(expect.url);
  if (typeof htu !== 'string' || expectedHtu === undefined || normalizeHtu(htu) !== expectedHtu) {
    throw invalid("The DPoP proof's 'htu' does not match the request URL.");
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid("The DPoP proof's 'iat' is missing.");
  if (iat < nowSeconds - DPOP_MAX_AGE_SECONDS || iat > nowSeconds + DPOP_FUTURE_SKEW_SECONDS) {
    throw invalid('The DPoP proof was not made now (check the device clock).');
  }
  if (expect.accessToken !== undefined) {
    const hash = createHash('sha256').update(expect.accessToken).digest('base64url');
    if (ath !== hash) throw invalid("The DPoP proof's 'ath' does not match the access token.");
  }
  if (expect.nonces !== undefined) {
    if (typeof nonce !== 'string' || !expect.nonces.accepts(nonce)) {
      throw new DpopProofError('use_dpop_nonce', 'Use the server-provided DPoP nonce (DPoP-Nonce header).');
    }
  }
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  // The window of (iat + max age): every replay of this proof lands on the same counter, which
  // lives until the proof could no longer be accepted anyway (see the counters' purge).
  const seenUntil = (Math.floor(iat) + DPOP_MAX_AGE_SECONDS + DPOP_FUTURE_SKEW_SECONDS) * 1000;
  if ((await deps.store.hit(`dpop-jti:${sha256(`${jkt} ${jti}`)}`, 60_000, seenUntil)) > 1) {
    throw invalid('The DPoP proof was already used.');
  }
  return { jkt };
}

/** A public reason for a proof jose refused (never the proof itself). */
function joseReason(error: unknown): string {
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The DPoP proof uses an algorithm that is not accepted.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The DPoP proof signature does not verify.';
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'typ') {
    return "The DPoP proof's type must be 'dpop+jwt'.";
  }
  if (error instanceof joseErrors.JWTExpired) return 'The DPoP proof has expired.';
  return 'The DPoP proof is not a valid signed JWT with a public key.';
}
