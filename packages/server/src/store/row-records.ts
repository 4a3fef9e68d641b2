/**
 * Row → record mapping shared by the SQLite and PostgreSQL stores: both use the same tables and
 * snake_case columns (see their migrations), `NULL` for absent values, and booleans as 0/1
 * (SQLite) or real booleans (PostgreSQL). Each store's own rows.ts adds what differs (parameters).
 */
import type {
  ApprovalRecord,
  ClientRecord,
  DeviceCodeRecord,
  DeviceCodeStatus,
  RefreshTokenRecord,
  SigningKeyRecord,
  UserRecord,
} from './store.js';

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
  readonly dpop_jkt: string | null;
}

/** An `approvals` row (migration 5). */
export interface ApprovalRow {
  readonly id: string;
  readonly tenant: string;
  readonly client_id: string;
  readonly subject: string;
  readonly granted_scope: string;
  readonly user_code_hash: string;
  readonly request_ip: string;
  readonly request_user_agent: string;
  readonly requested_at: number;
  readonly approve_ip: string;
  readonly approve_user_agent: string;
  readonly approved_at: number;
  readonly grant_id: string | null;
  readonly redeemed_at: number | null;
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
  /** A boolean in PostgreSQL, 0/1 in SQLite. */
  readonly disabled: boolean | number;
}

/** A `clients` row. */
export interface ClientRow {
  readonly client_id: string;
  readonly name: string;
  readonly allowed_scopes: string;
  readonly device_grant_enabled: boolean | number;
  readonly deep_link_enabled: boolean | number;
  readonly access_token_lifetime_seconds: number | null;
  readonly refresh_token_lifetime_seconds: number | null;
  readonly dpop_required: boolean | number;
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

export const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

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
    ...(row.dpop_jkt === null ? {} : { dpopJkt: row.dpop_jkt }),
  };
}

/** `approvals` row → record. */
export function approvalFromRow(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    clientId: row.client_id,
    subject: row.subject,
    grantedScope: row.granted_scope,
    userCodeHash: row.user_code_hash,
    requestIp: row.request_ip,
    requestUserAgent: row.request_user_agent,
    requestedAt: row.requested_at,
    approveIp: row.approve_ip,
    approveUserAgent: row.approve_user_agent,
    approvedAt: row.approved_at,
    grantId: orUndefined(row.grant_id),
    redeemedAt: orUndefined(row.redeemed_at),
    revokedAt: orUndefined(row.revoked_at),
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
    disabled: Boolean(row.disabled),
  };
}

/** `clients` row → record: a lifetime that is NULL (the server default) is an absent key. */
export function clientFromRow(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    allowedScopes: row.allowed_scopes,
    deviceGrantEnabled: Boolean(row.device_grant_enabled),
    deepLinkEnabled: Boolean(row.deep_link_enabled),
    ...(row.access_token_lifetime_seconds === null
      ? {}
      : { accessTokenLifetimeSeconds: row.access_token_lifetime_seconds }),
    ...(row.refresh_token_lifetime_seconds === null
      ? {}
      : { refreshTokenLifetimeSeconds: row.refresh_token_lifetime_seconds }),
    // Absent when optional, like the lifetimes: records of clients without the policy keep their shape.
    ...(row.dpop_required ? { dpopRequired: true } : {}),
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
