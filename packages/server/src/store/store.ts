/**
 * The server's storage port. Every backend (SQLite now, PostgreSQL next) implements it and passes
 * the one contract suite in test/store/contract.ts. Codes and tokens are stored as hashes only
 * (SHA-256, base64url): a leaked database gives no usable code or token.
 *
 * All times are epoch milliseconds. Methods are async so that networked backends fit.
 */

/** State of a device authorization. */
export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/** A device authorization (RFC 8628 §3.2) as stored. */
export interface DeviceCodeRecord {
  readonly id: string;
  /** SHA-256 of the device code. */
  readonly deviceCodeHash: string;
  /** SHA-256 of the normalised user code (unique among live codes). */
  readonly userCodeHash: string;
  readonly clientId: string;
  readonly tenant: string;
  /** Scopes requested (space-separated). */
  readonly scope: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Polling interval advertised, seconds. */
  readonly interval: number;
  readonly status: DeviceCodeStatus;
  /** Who requested the code: shown on the consent page. */
  readonly requestIp: string;
  readonly requestUserAgent: string;
  /** Set on approval. */
  readonly subject: string | undefined;
  /** Scopes granted on approval (space-separated). */
  readonly grantedScope: string | undefined;
  readonly decidedAt: number | undefined;
  readonly consumedAt: number | undefined;
  /** The grant created when the code was redeemed (tokens issued from it). */
  readonly grantId: string | undefined;
}

/** What creating a device authorization takes. */
export type NewDeviceCode = Omit<
  DeviceCodeRecord,
  'status' | 'subject' | 'grantedScope' | 'decidedAt' | 'consumedAt' | 'grantId'
>;

/** A refresh token as stored. Rotation keeps the whole family (one sign-in) together. */
export interface RefreshTokenRecord {
  /** SHA-256 of the token. */
  readonly tokenHash: string;
  /** All tokens rotated from one sign-in share it; reuse of a rotated one revokes the family. */
  readonly familyId: string;
  /** The grant (device code redemption) the family comes from. */
  readonly grantId: string;
  readonly clientId: string;
  readonly tenant: string;
  readonly subject: string;
  readonly scope: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set when it was exchanged for a new one. */
  readonly rotatedAt: number | undefined;
  /** Set when its family or grant was revoked. */
  readonly revokedAt: number | undefined;
  /**
   * DPoP (RFC 9449 §5): the JWK SHA-256 thumbprint of the key the token is bound to; it is only
   * accepted with a proof signed by that key. Absent: a bearer refresh token. Rotation keeps it.
   */
  readonly dpopJkt?: string;
}

/** A user account. */
export interface UserRecord {
  readonly id: string;
  readonly tenant: string;
  readonly username: string;
  readonly displayName: string;
  /** scrypt hash string (see passwords.ts). */
  readonly passwordHash: string;
  readonly disabled: boolean;
}

/** A registered public client. */
export interface ClientRecord {
  readonly clientId: string;
  readonly name: string;
  /** Scopes it may ask for (space-separated); empty = any known scope. */
  readonly allowedScopes: string;
  readonly deviceGrantEnabled: boolean;
  readonly deepLinkEnabled: boolean;
  // --- Per-client token lifetimes (device-code policy, migration 2) ---
  /**
   * Lifetime of access and id tokens issued to this client (device code grant and the refreshes
   * of its sessions), seconds; absent = the server's `accessTokenTtlSeconds`. Never lengthens it:
   * the server applies the smaller of the two.
   */
  readonly accessTokenLifetimeSeconds?: number;
  /**
   * Lifetime of each refresh token issued to this client (at redemption and at every rotation),
   * seconds; absent = the server's `refreshTokenTtlSeconds`, and likewise never longer.
   */
  readonly refreshTokenLifetimeSeconds?: number;
  /**
   * DPoP policy (migration 4): true = every token request of this client must carry a DPoP proof
   * and every token it gets is bound to the proof's key. Absent or false = DPoP is optional
   * (tokens are bound when the client sends a proof).
   */
  readonly dpopRequired?: boolean;
}

// --- MFA (TOTP, RFC 6238; migration 3) ---
/** A tenant's sign-in policy (tenants are configuration; their policy is store data). */
export interface TenantPolicy {
  readonly tenant: string;
  /** Every user of the tenant must use TOTP; those without it enrol at their next sign-in. */
  readonly mfaRequired: boolean;
}

/** A user's TOTP enrolment. */
export interface TotpEnrolment {
  readonly userId: string;
  /** The shared secret as sealed by the server (mfa/secret-box.ts): opaque to the store. */
  readonly sealedSecret: string;
  readonly enrolledAt: number;
  /**
   * The last time step (RFC 6238 `T`) a code was accepted for: a code for this step or an
   * earlier one is refused (replay). Enrolment records the step of the confirming code.
   */
  readonly lastUsedStep: number;
}

/** A signing key pair, private part as JWK JSON. */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: string;
  readonly privateJwk: string;
  readonly publicJwk: string;
  readonly createdAt: number;
  /** Set when a newer key took over; kept in JWKS until tokens it signed expired. */
  readonly retiredAt: number | undefined;
}

// --- Detect and remediate (device-code phishing, RFC 10027; migration 5) ---
/** Where an approval came from: the consent page's request (its IP and User-Agent). */
export interface Approver {
  readonly ip: string;
  readonly userAgent: string;
}

/**
 * The record of one approval, written with the pending → approved transition and kept after its
 * device code is purged (until the approval retention): who approved which client, from where,
 * what was requested from where, and what became of it. The tokens of its grant are revoked with
 * {@link Store.revokeApproval}.
 */
export interface ApprovalRecord {
  /** The device code's id. */
  readonly id: string;
  readonly tenant: string;
  readonly clientId: string;
  /** The approving user's id. */
  readonly subject: string;
  /** Scopes granted (space-separated). */
  readonly grantedScope: string;
  /** SHA-256 of the normalised user code (admins find an approval by the code a user reports). */
  readonly userCodeHash: string;
  /** The device authorization request: where the code was asked for, and when. */
  readonly requestIp: string;
  readonly requestUserAgent: string;
  readonly requestedAt: number;
  /** The consent page's request that approved it. */
  readonly approveIp: string;
  readonly approveUserAgent: string;
  readonly approvedAt: number;
  /** The grant the code was redeemed for (the access tokens' `sid`); undefined until then. */
  readonly grantId: string | undefined;
  readonly redeemedAt: number | undefined;
  /** Set by {@link Store.revokeApproval} (and a full {@link Store.revokeUserTokens}). */
  readonly revokedAt: number | undefined;
}

/** What {@link Store.listApprovals} selects. Every given field must match. */
export interface ApprovalQuery {
  readonly tenant?: string;
  readonly subject?: string;
  readonly clientId?: string;
  /** Approved at or after this time (epoch ms). */
  readonly since?: number;
  /** Most rows returned. */
  readonly limit: number;
}

/** Result of {@link Store.revokeApproval}. */
export interface ApprovalRevocation {
  /** The approval as now stored (`revokedAt` is the first revocation's time). */
  readonly approval: ApprovalRecord;
  /** False when it had been revoked before (this call changed no approval). */
  readonly newlyRevoked: boolean;
  /** Refresh tokens of its grant revoked now. */
  readonly refreshTokensRevoked: number;
  /** The code was approved but not redeemed yet: it is now denied and can never be redeemed. */
  readonly codeCancelled: boolean;
}

/** Result of {@link Store.revokeUserTokens}. */
export interface UserTokensRevocation {
  /**
   * The user's "tokens valid after" time now stored, epoch **seconds**: access tokens with an
   * `iat` before it are refused. Never moves back (an earlier `at` keeps the later time).
   */
  readonly validAfter: number;
  /** Refresh tokens revoked now (0 unless `refresh`). */
  readonly refreshTokensRevoked: number;
  /** Approved, not yet redeemed codes of the user now denied (0 unless `refresh`). */
  readonly codesCancelled: number;
}

/** What the protected endpoints check of a verified access token: {@link Store.accessTokenState}. */
export interface AccessTokenState {
  /** The token's grant (its `sid`) belongs to a revoked approval. */
  readonly grantRevoked: boolean;
  /** The user's "tokens valid after" time, epoch seconds; undefined when never set. */
  readonly validAfter: number | undefined;
}

/** Options of {@link Store.purgeExpired}. */
export interface PurgeOptions {
  /** Also delete approvals approved before this time (epoch ms): the approval retention. */
  readonly approvalsBefore?: number;
}

/** Result of {@link Store.rotateRefreshToken}. */
export type RotationResult =
  | { readonly kind: 'rotated'; readonly previous: RefreshTokenRecord }
  /** The token had already been rotated or revoked: the family is now revoked. */
  | { readonly kind: 'reused'; readonly familyId: string }
  | { readonly kind: 'unknown' };

/** The storage port. */
export interface Store {
  /**
   * Inserts a device authorization.
   * @returns false when the user code hash collides with a live code (the caller draws again).
   */
  createDeviceCode(record: NewDeviceCode): Promise<boolean>;
  findDeviceCodeByHash(deviceCodeHash: string): Promise<DeviceCodeRecord | undefined>;
  findDeviceCodeByUserCode(userCodeHash: string): Promise<DeviceCodeRecord | undefined>;
  /**
   * pending → approved, only if still pending and not expired at `at`; in the same atomic write,
   * the {@link ApprovalRecord} (with `approver`, the consent request's IP and User-Agent).
   */
  approveDeviceCode(
    id: string,
    subject: string,
    grantedScope: string,
    at: number,
    approver: Approver,
  ): Promise<boolean>;
  /** pending → denied, only if still pending and not expired at `at`. */
  denyDeviceCode(id: string, at: number): Promise<boolean>;
  /**
   * approved → consumed in one conditional write (`… WHERE status = 'approved' AND expires_at > at
   * RETURNING`), recording `grantId` on the code and on its approval (`grantId`, `redeemedAt`).
   * Exactly one concurrent caller gets the record.
   */
  consumeDeviceCode(id: string, grantId: string, at: number): Promise<DeviceCodeRecord | undefined>;

  createRefreshToken(record: Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>): Promise<void>;
  /**
   * Atomically marks `oldHash` rotated and stores `next` in its family, if `oldHash` is live
   * (not rotated, not revoked, not expired at `at`, and its grant's approval not revoked). A
   * rotated or revoked token presented again revokes its whole family (reuse detection). A token
   * of a revoked approval that escaped its revocation (created while it ran) is `unknown`.
   */
  rotateRefreshToken(
    oldHash: string,
    next: (previous: RefreshTokenRecord) => Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>,
    at: number,
  ): Promise<RotationResult>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Revokes everything issued from a grant (replay of a consumed device code): every refresh
   * token, and its approval record (so its access tokens are refused, see {@link accessTokenState}).
   * @returns how many refresh tokens it revoked.
   */
  revokeGrant(grantId: string, at: number): Promise<number>;
  revokeFamily(familyId: string, at: number): Promise<number>;

  findUser(tenant: string, username: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  upsertUser(user: UserRecord): Promise<void>;
  /** Every user (of `tenant` when given), by tenant then username (case-insensitive order). */
  listUsers(tenant?: string): Promise<UserRecord[]>;
  findClient(clientId: string): Promise<ClientRecord | undefined>;
  upsertClient(client: ClientRecord): Promise<void>;
  /** Every client, by client id. */
  listClients(): Promise<ClientRecord[]>;

  // --- MFA (TOTP; migration 3) ---
  /** The tenant's policy, or undefined when none was set (MFA not required). */
  findTenantPolicy(tenant: string): Promise<TenantPolicy | undefined>;
  /** Inserts or replaces the tenant's policy. */
  setTenantPolicy(policy: TenantPolicy): Promise<void>;
  /** The user's TOTP enrolment, if any. */
  findTotpEnrolment(userId: string): Promise<TotpEnrolment | undefined>;
  /**
   * Stores a TOTP enrolment with its recovery codes (hashes) in one atomic write, only if the
   * user has none: of two concurrent enrolments exactly one returns true, the other changes
   * nothing and returns false.
   */
  enrolTotp(enrolment: TotpEnrolment, recoveryCodeHashes: readonly string[]): Promise<boolean>;
  /**
   * Accepts a TOTP code's time step: sets `lastUsedStep` to `step` only if it is later than the
   * stored one, in one conditional write. Of two concurrent uses of one step exactly one returns
   * true; false also when the user has no enrolment.
   */
  useTotpStep(userId: string, step: number, at: number): Promise<boolean>;
  /**
   * Marks one unused recovery code of the user used, in one conditional write: true once per
   * code, false for an unknown or used code (and for the loser of two concurrent uses).
   */
  consumeRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean>;
  /** How many unused recovery codes the user has. */
  countRecoveryCodes(userId: string): Promise<number>;
  /** Removes the user's enrolment and recovery codes; false when there was none. */
  deleteTotpEnrolment(userId: string): Promise<boolean>;

  /** Live signing keys, newest first. */
  signingKeys(): Promise<SigningKeyRecord[]>;
  addSigningKey(key: SigningKeyRecord): Promise<void>;
  retireSigningKey(kid: string, at: number): Promise<void>;

  /**
   * Adds 1 to a counter in a fixed window (`key` + window start) and returns the new count:
   * guessing and issuance limits shared by every instance on the store.
   */
  hit(key: string, windowMs: number, at: number): Promise<number>;
  /** Current count of a counter window without adding. */
  count(key: string, windowMs: number, at: number): Promise<number>;

  // --- Detect and remediate (migration 5) ---
  /** Approvals matching `query`, newest first (by approval time, then id). */
  listApprovals(query: ApprovalQuery): Promise<ApprovalRecord[]>;
  findApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** The most recent approval of a user code (user codes are reused once their code expired). */
  findLatestApprovalByUserCode(userCodeHash: string): Promise<ApprovalRecord | undefined>;
  /**
   * Revokes everything issued from one approval, atomically: marks it revoked (the access tokens
   * of its grant are refused from then on, see {@link accessTokenState}), revokes every refresh
   * token of its grant ({@link revokeGrant}), and when the code is approved but not redeemed yet,
   * denies it so that it is never redeemed. Revoking again changes nothing but reports the state.
   * @returns undefined when there is no such approval.
   */
  revokeApproval(id: string, at: number): Promise<ApprovalRevocation | undefined>;
  /**
   * Revokes a user's tokens, atomically: records "tokens valid after" = `at` in epoch seconds
   * (floor; access tokens with an earlier `iat` are refused with a claims challenge), and with
   * `refresh` also revokes every refresh token of the subject and denies its approved codes not
   * redeemed yet (their approvals are marked revoked).
   */
  revokeUserTokens(subject: string, at: number, options: { readonly refresh: boolean }): Promise<UserTokensRevocation>;
  /**
   * What a protected endpoint checks of a verified access token, in one query: has its grant
   * (`sid`; undefined for tokens without one) been revoked, and the subject's valid-after time.
   */
  accessTokenState(grantId: string | undefined, subject: string): Promise<AccessTokenState>;

  /**
   * Deletes device codes and refresh tokens expired before `before`, and with
   * `options.approvalsBefore` the approvals approved before it, in batches; returns how many.
   */
  purgeExpired(before: number, options?: PurgeOptions): Promise<number>;
  /** Resolves when the database answers a trivial query (readiness); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
