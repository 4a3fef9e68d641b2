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
  /** pending → approved, only if still pending and not expired at `at`. */
  approveDeviceCode(id: string, subject: string, grantedScope: string, at: number): Promise<boolean>;
  /** pending → denied, only if still pending and not expired at `at`. */
  denyDeviceCode(id: string, at: number): Promise<boolean>;
  /**
   * approved → consumed in one conditional write (`… WHERE status = 'approved' AND expires_at > at
   * RETURNING`), recording `grantId`. Exactly one concurrent caller gets the record.
   */
  consumeDeviceCode(id: string, grantId: string, at: number): Promise<DeviceCodeRecord | undefined>;

  createRefreshToken(record: Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>): Promise<void>;
  /**
   * Atomically marks `oldHash` rotated and stores `next` in its family, if `oldHash` is live
   * (not rotated, not revoked, not expired at `at`). A rotated or revoked token presented again
   * revokes its whole family (reuse detection).
   */
  rotateRefreshToken(
    oldHash: string,
    next: (previous: RefreshTokenRecord) => Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>,
    at: number,
  ): Promise<RotationResult>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Revokes every refresh token issued from a grant (replay of a consumed device code). */
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

  /** Deletes device codes and refresh tokens expired before `before`, in batches. */
  purgeExpired(before: number): Promise<number>;
  /** Resolves when the database answers a trivial query (readiness); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
