/**
 * Users, clients and signing keys in PostgreSQL: plain lookups and upserts. Lists are ordered on
 * "C"-collated keys (code point order, as SQLite), whatever the database's locale.
 */
import type { ClientRecord, SigningKeyRecord, UserRecord } from '../store.js';
import { usernameKey } from '../username-key.js';
import type { PgDatabase } from './database.js';
import {
  clientFromRow,
  hasNul,
  signingKeyFromRow,
  userFromRow,
  type ClientRow,
  type SigningKeyRow,
  type UserRow,
} from './rows.js';

/** The `users`, `clients` and `signing_keys` tables. */
export class PgDirectory {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** The user of `tenant` whose username matches case-insensitively (see username-key.ts). */
  async findUser(tenant: string, username: string): Promise<UserRecord | undefined> {
    if (hasNul(tenant, username)) return undefined;
    const [row] = await this.#db.rows<UserRow>('SELECT * FROM users WHERE tenant = $1 AND username_key = $2', [
      tenant,
      usernameKey(username),
    ]);
    return row === undefined ? undefined : userFromRow(row);
  }

  /** The user with this id. */
  async findUserById(id: string): Promise<UserRecord | undefined> {
    if (hasNul(id)) return undefined;
    const [row] = await this.#db.rows<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return row === undefined ? undefined : userFromRow(row);
  }

  /**
   * Inserts or replaces the user with `user.id`. Taking a username (case-insensitively) held by
   * another id in the tenant violates the unique index and throws.
   */
  async upsertUser(user: UserRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO users (id, tenant, username, username_key, display_name, password_hash, disabled)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, username = excluded.username,
        username_key = excluded.username_key, display_name = excluded.display_name,
        password_hash = excluded.password_hash, disabled = excluded.disabled`,
      [
        user.id,
        user.tenant,
        user.username,
        usernameKey(user.username),
        user.displayName,
        user.passwordHash,
        user.disabled,
      ],
    );
  }

  /** Every user, or those of `tenant`, by tenant then username key. */
  async listUsers(tenant?: string): Promise<UserRecord[]> {
    const rows =
      tenant === undefined
        ? await this.#db.rows<UserRow>('SELECT * FROM users ORDER BY tenant, username_key')
        : hasNul(tenant)
          ? []
          : await this.#db.rows<UserRow>('SELECT * FROM users WHERE tenant = $1 ORDER BY username_key', [tenant]);
    return rows.map(userFromRow);
  }

  /** The client with this id (case-sensitive). */
  async findClient(clientId: string): Promise<ClientRecord | undefined> {
    if (hasNul(clientId)) return undefined;
    const [row] = await this.#db.rows<ClientRow>('SELECT * FROM clients WHERE client_id = $1', [clientId]);
    return row === undefined ? undefined : clientFromRow(row);
  }

  /** Inserts or replaces the client with `client.clientId` (absent lifetimes are stored as NULL). */
  async upsertClient(client: ClientRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO clients (client_id, name, allowed_scopes, device_grant_enabled, deep_link_enabled,
        access_token_lifetime_seconds, refresh_token_lifetime_seconds, dpop_required)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, allowed_scopes = excluded.allowed_scopes,
        device_grant_enabled = excluded.device_grant_enabled, deep_link_enabled = excluded.deep_link_enabled,
        access_token_lifetime_seconds = excluded.access_token_lifetime_seconds,
        refresh_token_lifetime_seconds = excluded.refresh_token_lifetime_seconds,
        dpop_required = excluded.dpop_required`,
      [
        client.clientId,
        client.name,
        client.allowedScopes,
        client.deviceGrantEnabled,
        client.deepLinkEnabled,
        client.accessTokenLifetimeSeconds ?? null,
        client.refreshTokenLifetimeSeconds ?? null,
        client.dpopRequired === true,
      ],
    );
  }

  /** Every client, by client id. */
  async listClients(): Promise<ClientRecord[]> {
    return (await this.#db.rows<ClientRow>('SELECT * FROM clients ORDER BY client_id')).map(clientFromRow);
  }

  /** Every stored key, retired ones included (they stay in JWKS), newest first. */
  async signingKeys(): Promise<SigningKeyRecord[]> {
    const rows = await this.#db.rows<SigningKeyRow>(
      'SELECT kid, alg, private_jwk, public_jwk, created_at, retired_at FROM signing_keys ORDER BY created_at DESC, seq DESC',
    );
    return rows.map(signingKeyFromRow);
  }

  /** Stores a key; a duplicate `kid` throws. */
  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, retired_at)
      VALUES ($1, $2, $3, $4, $5, $6)`,
      [key.kid, key.alg, key.privateJwk, key.publicJwk, key.createdAt, key.retiredAt ?? null],
    );
  }

  /** Marks a key retired at `at` (a key already retired keeps its first time; unknown: no-op). */
  async retireSigningKey(kid: string, at: number): Promise<void> {
    await this.#db.run('UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL', [kid, at]);
  }
}
