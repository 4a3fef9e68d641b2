import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { randomToken, sha256 } from '../crypto.js';
import type { ServerContext } from '../context.js';
import type { UserRecord } from '../store/store.js';
import { tokenLifetimes, type TokenLifetimes } from './lifetimes.js';
import { SIGNING_ALG } from './signing-keys.js';
import { tenantId } from './tenant-id.js';

/** Scopes about the sign-in itself, not an API. */
const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/** What a grant hands to the token minting. */
export interface TokenRequest {
  readonly tenant: string;
  readonly clientId: string;
  readonly user: UserRecord;
  /** Granted scopes (space-separated). */
  readonly scope: string;
  /** The client sent `client_info=1` (MSAL): add Entra's `client_info`. */
  readonly clientInfo: boolean;
  readonly grantId: string;
  /**
   * A refresh token already stored by the refresh grant's rotation; when absent and
   * `offline_access` was granted, a new family starts here.
   */
  readonly rotatedRefreshToken?: string;
  /**
   * The client's lifetimes ({@link tokenLifetimes}); absent = the server's defaults. With
   * `rotatedRefreshToken`, the refresh grant has already applied `refreshTokenSeconds` to it.
   */
  readonly lifetimes?: TokenLifetimes;
  /**
   * DPoP (RFC 9449): the thumbprint of the proof's key. The access token carries it as
   * `cnf.jkt` and is answered with `token_type: DPoP`; a refresh token started here is bound to
   * it (rotations keep the binding of the token they replace).
   */
  readonly dpopJkt?: string;
}

/** The issuer of a tenant: the authority URL itself (origin and path). */
export function issuerOf(context: ServerContext, tenant: string): string {
  return `${context.config.publicUrl}/${tenant}`;
}

/**
 * Mints the tokens of a successful grant: a JWT access token for the demo API audience, an
 * id_token with the claims MSAL reads (`oid`, `tid`, `sub`, `preferred_username`, `name`) when
 * `openid` was granted, a refresh token (opaque, stored hashed, rotated on use) when
 * `offline_access` was, and `client_info` when asked. Tokens are minted here, once, at redemption.
 * Lifetimes are `request.lifetimes` (the client's policy, see lifetimes.ts) or the server's.
 */
export async function issueTokens(context: ServerContext, request: TokenRequest): Promise<Record<string, unknown>> {
  const { config, clock, keys, store } = context;
  const key = await keys.active();
  const now = clock.now();
  const iat = Math.floor(now / 1000);
  const lifetimes = request.lifetimes ?? tokenLifetimes(config, undefined);
  const ttl = lifetimes.accessTokenSeconds;
  const scopes = request.scope.split(' ').filter((s) => s !== '');
  const iss = issuerOf(context, request.tenant);
  const tid = tenantId(request.user.tenant);
  const oid = request.user.id;
  // After `users revoke`, tokens up to and including the user's valid-after second are refused
  // (access-token-state.ts): a token minted in that second says it was issued in the next one,
  // which may be up to a second (a few, after repeated revocations) ahead of the clock; it is
  // valid from now (`nbf`) and expires as any other.
  const { validAfter } = await store.accessTokenState(undefined, oid);
  const accessIat = validAfter === undefined ? iat : Math.max(iat, validAfter + 1);
  const sign = (claims: Record<string, unknown>, audience: string, issuedAt = iat): Promise<string> =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
      .setIssuer(iss)
      .setAudience(audience)
      .setSubject(oid)
      .setIssuedAt(issuedAt)
      .setNotBefore(iat)
      .setExpirationTime(iat + ttl)
      .sign(key.privateKey);

  const apiScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  const body: Record<string, unknown> = {
    token_type: request.dpopJkt === undefined ? 'Bearer' : 'DPoP',
    scope: scopes.join(' '),
    expires_in: ttl,
    ext_expires_in: ttl,
    access_token: await sign(
      {
        scp: apiScopes.join(' '),
        oid,
        tid,
        azp: request.clientId,
        preferred_username: request.user.username,
        jti: randomUUID(),
        // The grant (device code redemption) it comes from: the protected endpoints refuse the
        // tokens of a revoked approval (endpoints/access-token-state.ts); refreshes keep it.
        sid: request.grantId,
        ver: '2.0',
        ...(request.dpopJkt === undefined ? {} : { cnf: { jkt: request.dpopJkt } }),
      },
      config.apiAudience,
      accessIat,
    ),
  };
  if (scopes.includes('openid')) {
    body['id_token'] = await sign(
      { oid, tid, preferred_username: request.user.username, name: request.user.displayName, ver: '2.0' },
      request.clientId,
    );
  }
  if (request.rotatedRefreshToken !== undefined) {
    body['refresh_token'] = request.rotatedRefreshToken;
  } else if (scopes.includes('offline_access')) {
    const refreshToken = randomToken(32);
    await store.createRefreshToken({
      tokenHash: sha256(refreshToken),
      familyId: randomUUID(),
      grantId: request.grantId,
      clientId: request.clientId,
      tenant: request.tenant,
      subject: oid,
      scope: request.scope,
      createdAt: now,
      expiresAt: now + lifetimes.refreshTokenSeconds * 1000,
      ...(request.dpopJkt === undefined ? {} : { dpopJkt: request.dpopJkt }),
    });
    body['refresh_token'] = refreshToken;
  }
  if (request.clientInfo) {
    body['client_info'] = Buffer.from(JSON.stringify({ uid: oid, utid: tid })).toString('base64url');
  }
  return body;
}
