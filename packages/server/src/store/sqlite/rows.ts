/**
 * Record → parameter mapping for the SQLite store: the named `@camelCase` bindings its statements
 * use (`null` instead of `undefined`, 0/1 for booleans). Rows map to records in ../row-records.ts,
 * shared with the PostgreSQL store, and are re-exported here.
 */
import type { ClientRecord, NewDeviceCode, RefreshTokenRecord, SigningKeyRecord, UserRecord } from '../store.js';
import { usernameKey } from '../username-key.js';

export {
  approvalFromRow,
  clientFromRow,
  deviceCodeFromRow,
  refreshTokenFromRow,
  signingKeyFromRow,
  userFromRow,
  type ApprovalRow,
  type ClientRow,
  type DeviceCodeRow,
  type RefreshTokenRow,
  type SigningKeyRow,
  type UserRow,
} from '../row-records.js';

/** Named parameters bound to a statement. */
export type Params = Record<string, string | number | null>;

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** New device code → parameters of the insert (a new code is always `pending`). */
export function newDeviceCodeParams(record: NewDeviceCode): Params {
  return {
    id: record.id,
    deviceCodeHash: record.deviceCodeHash,
    userCodeHash: record.userCodeHash,
    clientId: record.clientId,
    tenant: record.tenant,
    scope: record.scope,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    interval: record.interval,
    requestIp: record.requestIp,
    requestUserAgent: record.requestUserAgent,
  };
}

/** New refresh token → parameters of the insert (neither rotated nor revoked). */
export function newRefreshTokenParams(record: Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>): Params {
  return {
    tokenHash: record.tokenHash,
    familyId: record.familyId,
    grantId: record.grantId,
    clientId: record.clientId,
    tenant: record.tenant,
    subject: record.subject,
    scope: record.scope,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    dpopJkt: record.dpopJkt ?? null,
  };
}

/** User → parameters of the upsert, with the case-insensitive lookup key. */
export function userParams(user: UserRecord): Params {
  return {
    id: user.id,
    tenant: user.tenant,
    username: user.username,
    usernameKey: usernameKey(user.username),
    displayName: user.displayName,
    passwordHash: user.passwordHash,
    disabled: user.disabled ? 1 : 0,
  };
}

/** Client → parameters of the upsert. */
export function clientParams(client: ClientRecord): Params {
  return {
    clientId: client.clientId,
    name: client.name,
    allowedScopes: client.allowedScopes,
    deviceGrantEnabled: client.deviceGrantEnabled ? 1 : 0,
    deepLinkEnabled: client.deepLinkEnabled ? 1 : 0,
    accessTokenLifetimeSeconds: orNull(client.accessTokenLifetimeSeconds),
    refreshTokenLifetimeSeconds: orNull(client.refreshTokenLifetimeSeconds),
    dpopRequired: client.dpopRequired === true ? 1 : 0,
  };
}

/** Signing key → parameters of the insert. */
export function signingKeyParams(key: SigningKeyRecord): Params {
  return {
    kid: key.kid,
    alg: key.alg,
    privateJwk: key.privateJwk,
    publicJwk: key.publicJwk,
    createdAt: key.createdAt,
    retiredAt: orNull(key.retiredAt),
  };
}
