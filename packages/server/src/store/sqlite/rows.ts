/**
 * Row ↔ record mapping for the SQLite store, in one place. Rows are what `SELECT *` returns
 * (snake_case columns, `NULL` for absent values, 0/1 for booleans); parameters are the named
 * `@camelCase` bindings the statements use (`null` instead of `undefined`, 0/1 for booleans).
 */
import type {
  ClientRecord,
  DeviceCodeRecord,
  DeviceCodeStatus,
  NewDeviceCode,
  RefreshTokenRecord,
  SigningKeyRecord,
  UserRecord,
} from '../store.js';
import { usernameKey } from '../username-key.js';

/** Named parameters bound to a statement. */
export type Params = Record<string, string | number | null>;

/** A `device_codes` row. */
export interface DeviceCodeRow {
  readonly id: string;
  readonly device_code_hash: string;
  readonly user_code_hash: string;
  readonly client_id: string;
  readonly tenant: string;
  readonly scope: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly poll_interval: number;
  readonly status: DeviceCodeStatus;
  readonly request_ip: string;
  readonly request_user_agent: string;
  readonly subject: string | null;
  readonly granted_scope: string | null;
  readonly decided_at: number | null;
  readonly consumed_at: number | null;
  readonly grant_id: string | null;
}

/** A `refresh_tokens` row. */
export interface RefreshTokenRow {
  readonly token_hash: string;
  readonly family_id: string;
  readonly grant_id: string;
  readonly client_id: string;
  readonly tenant: string;
  readonly subject: string;
  readonly scope: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly rotated_at: number | null;
  readonly revoked_at: number | null;
}

/** A `users` row. */
export interface UserRow {
  readonly id: string;
  readonly tenant: string;
  readonly username: string;
  readonly username_key: string;
  readonly display_name: string;
  readonly password_hash: string;
  readonly disabled: number;
}

/** A `clients` row. */
export interface ClientRow {
  readonly client_id: string;
  readonly name: string;
  readonly allowed_scopes: string;
  readonly device_grant_enabled: number;
  readonly deep_link_enabled: number;
  /** Migration 2; NULL = the server default. */
  readonly access_token_lifetime_seconds: number | null;
  readonly refresh_token_lifetime_seconds: number | null;
}

/** A `signing_keys` row. */
export interface SigningKeyRow {
  readonly kid: string;
  readonly alg: string;
  readonly private_jwk: string;
  readonly public_jwk: string;
  readonly created_at: number;
  readonly retired_at: number | null;
}

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** `device_codes` row → record. */
export function deviceCodeFromRow(row: DeviceCodeRow): DeviceCodeRecord {
  return {
    id: row.id,
    deviceCodeHash: row.device_code_hash,
    userCodeHash: row.user_code_hash,
    clientId: row.client_id,
    tenant: row.tenant,
    scope: row.scope,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    interval: row.poll_interval,
    status: row.status,
    requestIp: row.request_ip,
    requestUserAgent: row.request_user_agent,
    subject: orUndefined(row.subject),
    grantedScope: orUndefined(row.granted_scope),
    decidedAt: orUndefined(row.decided_at),
    consumedAt: orUndefined(row.consumed_at),
    grantId: orUndefined(row.grant_id),
  };
}

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

/** `refresh_tokens` row → record. */
export function refreshTokenFromRow(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    familyId: row.family_id,
    grantId: row.grant_id,
    clientId: row.client_id,
    tenant: row.tenant,
    subject: row.subject,
    scope: row.scope,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    rotatedAt: orUndefined(row.rotated_at),
    revokedAt: orUndefined(row.revoked_at),
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
  };
}

/** `users` row → record. */
export function userFromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    disabled: row.disabled !== 0,
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

/** `clients` row → record. */
export function clientFromRow(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    allowedScopes: row.allowed_scopes,
    deviceGrantEnabled: row.device_grant_enabled !== 0,
    deepLinkEnabled: row.deep_link_enabled !== 0,
    // Absent rather than undefined: a client without overrides has no such keys.
    ...(row.access_token_lifetime_seconds === null
      ? {}
      : { accessTokenLifetimeSeconds: row.access_token_lifetime_seconds }),
    ...(row.refresh_token_lifetime_seconds === null
      ? {}
      : { refreshTokenLifetimeSeconds: row.refresh_token_lifetime_seconds }),
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
  };
}

/** `signing_keys` row → record. */
export function signingKeyFromRow(row: SigningKeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    privateJwk: row.private_jwk,
    publicJwk: row.public_jwk,
    createdAt: row.created_at,
    retiredAt: orUndefined(row.retired_at),
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
