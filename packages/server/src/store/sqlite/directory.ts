/**
 * Users, clients and signing keys in SQLite: plain lookups and upserts on prepared statements.
 */
import type Database from 'better-sqlite3';
import type { ClientRecord, SigningKeyRecord, UserRecord } from '../store.js';
import { usernameKey } from '../username-key.js';
import {
  clientFromRow,
  clientParams,
  signingKeyFromRow,
  signingKeyParams,
  userFromRow,
  userParams,
  type ClientRow,
  type Params,
  type SigningKeyRow,
  type UserRow,
} from './rows.js';

/** The `users`, `clients` and `signing_keys` tables. */
export class SqliteDirectory {
  readonly #userByName: Database.Statement<Params, UserRow>;
  readonly #userById: Database.Statement<[string], UserRow>;
  readonly #upsertUser: Database.Statement<Params>;
  readonly #users: Database.Statement<[], UserRow>;
  readonly #usersOf: Database.Statement<[string], UserRow>;
  readonly #client: Database.Statement<[string], ClientRow>;
  readonly #upsertClient: Database.Statement<Params>;
  readonly #clients: Database.Statement<[], ClientRow>;
  readonly #keys: Database.Statement<[], SigningKeyRow>;
  readonly #addKey: Database.Statement<Params>;
  readonly #retireKey: Database.Statement<Params>;

  /** Prepares every statement once. */
  constructor(db: Database.Database) {
    this.#userByName = db.prepare<Params, UserRow>(
      'SELECT * FROM users WHERE tenant = @tenant AND username_key = @usernameKey',
    );
    this.#userById = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    // Keyed by id: taking a username (case-insensitively) held by another id in the tenant throws.
    this.#upsertUser = db.prepare<Params>(`
      INSERT INTO users (id, tenant, username, username_key, display_name, password_hash, disabled)
      VALUES (@id, @tenant, @username, @usernameKey, @displayName, @passwordHash, @disabled)
      ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, username = excluded.username,
        username_key = excluded.username_key, display_name = excluded.display_name,
        password_hash = excluded.password_hash, disabled = excluded.disabled`);
    this.#users = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY tenant, username_key');
    this.#usersOf = db.prepare<[string], UserRow>('SELECT * FROM users WHERE tenant = ? ORDER BY username_key');
    this.#client = db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE client_id = ?');
    this.#upsertClient = db.prepare<Params>(`
      INSERT INTO clients (client_id, name, allowed_scopes, device_grant_enabled, deep_link_enabled,
        access_token_lifetime_seconds, refresh_token_lifetime_seconds, dpop_required)
      VALUES (@clientId, @name, @allowedScopes, @deviceGrantEnabled, @deepLinkEnabled,
        @accessTokenLifetimeSeconds, @refreshTokenLifetimeSeconds, @dpopRequired)
      ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, allowed_scopes = excluded.allowed_scopes,
        device_grant_enabled = excluded.device_grant_enabled, deep_link_enabled = excluded.deep_link_enabled,
        access_token_lifetime_seconds = excluded.access_token_lifetime_seconds,
        refresh_token_lifetime_seconds = excluded.refresh_token_lifetime_seconds,
        dpop_required = excluded.dpop_required`);
    this.#clients = db.prepare<[], ClientRow>('SELECT * FROM clients ORDER BY client_id');
    // rowid breaks ties between keys created in the same millisecond: the later insert is newer.
    this.#keys = db.prepare<[], SigningKeyRow>('SELECT * FROM signing_keys ORDER BY created_at DESC, rowid DESC');
    this.#addKey = db.prepare<Params>(`
      INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, retired_at)
      VALUES (@kid, @alg, @privateJwk, @publicJwk, @createdAt, @retiredAt)`);
    this.#retireKey = db.prepare<Params>(
      'UPDATE signing_keys SET retired_at = @at WHERE kid = @kid AND retired_at IS NULL',
    );
  }

  /** The user of `tenant` whose username matches case-insensitively (see username-key.ts). */
  findUser(tenant: string, username: string): UserRecord | undefined {
    const row = this.#userByName.get({ tenant, usernameKey: usernameKey(username) });
    return row === undefined ? undefined : userFromRow(row);
  }

  /** The user with this id. */
  findUserById(id: string): UserRecord | undefined {
    const row = this.#userById.get(id);
    return row === undefined ? undefined : userFromRow(row);
  }

  /** Inserts or replaces the user with `user.id`. */
  upsertUser(user: UserRecord): void {
    this.#upsertUser.run(userParams(user));
  }

  /** Every user, or those of `tenant`, by tenant then username key. */
  listUsers(tenant?: string): UserRecord[] {
    return (tenant === undefined ? this.#users.all() : this.#usersOf.all(tenant)).map(userFromRow);
  }

  /** The client with this id. */
  findClient(clientId: string): ClientRecord | undefined {
    const row = this.#client.get(clientId);
    return row === undefined ? undefined : clientFromRow(row);
  }

  /** Inserts or replaces the client with `client.clientId` (absent lifetimes are stored as NULL). */
  upsertClient(client: ClientRecord): void {
    this.#upsertClient.run(clientParams(client));
  }

  /** Every client, by client id. */
  listClients(): ClientRecord[] {
    return this.#clients.all().map(clientFromRow);
  }

  /** Every stored key, retired ones included (they stay in JWKS), newest first. */
  signingKeys(): SigningKeyRecord[] {
    return this.#keys.all().map(signingKeyFromRow);
  }

  /** Stores a key; a duplicate `kid` throws. */
  addSigningKey(key: SigningKeyRecord): void {
    this.#addKey.run(signingKeyParams(key));
  }

  /** Marks a key retired at `at` (a key already retired keeps its first time; unknown: no-op). */
  retireSigningKey(kid: string, at: number): void {
    this.#retireKey.run({ kid, at });
  }
}
