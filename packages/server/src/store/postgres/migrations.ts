/**
 * Numbered schema migrations of the PostgreSQL store. {@link migrate} runs at every open, on one
 * connection holding a session advisory lock: instances starting together take turns, and the
 * second finds the work done. Each migration runs in its own transaction together with its
 * `schema_migrations` row, so a failing one leaves no trace and the ones before it stay applied.
 *
 * Versions match the SQLite store's (1 initial, 2 client lifetimes, 3 MFA, 4 DPoP, 5 approvals
 * and token revocation). Append new migrations; never edit one that has shipped.
 */
import type { PgDatabase } from './database.js';
import { onClient } from './database.js';

/** One schema change. */
export interface PgMigration {
  /** 1, 2, 3… in order, never reused. */
  readonly version: number;
  /** What it does, recorded beside the version. */
  readonly name: string;
  /** SQL statements (no parameters), run as one multi-statement query. */
  readonly sql: string;
}

/**
 * Key of the advisory lock serialising migrations (any constant: "devl" in ASCII). Advisory locks
 * are per database, so stores on different databases never wait for each other.
 */
export const MIGRATION_LOCK_KEY = 0x6465766c;

/**
 * The schema. As in SQLite: codes and tokens as hashes only; `user_code_hash` simply UNIQUE (a
 * code keeps its user code until its row is deleted); usernames unique per tenant on
 * `username_key`. Times are epoch milliseconds in `bigint`s. Keys that are listed in order use
 * the "C" collation, so the order is by code point, as in SQLite, whatever the database locale.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE device_codes (
        id text PRIMARY KEY,
        device_code_hash text NOT NULL UNIQUE,
        user_code_hash text NOT NULL UNIQUE,
        client_id text NOT NULL,
        tenant text NOT NULL,
        scope text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        poll_interval integer NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
        request_ip text NOT NULL,
        request_user_agent text NOT NULL,
        subject text,
        granted_scope text,
        decided_at bigint,
        consumed_at bigint,
        grant_id text
      );
      CREATE INDEX device_codes_expires_at ON device_codes (expires_at);

      CREATE TABLE refresh_tokens (
        token_hash text PRIMARY KEY,
        family_id text NOT NULL,
        grant_id text NOT NULL,
        client_id text NOT NULL,
        tenant text NOT NULL,
        subject text NOT NULL,
        scope text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        rotated_at bigint,
        revoked_at bigint
      );
      CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
      CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id);
      CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

      CREATE TABLE users (
        id text PRIMARY KEY,
        tenant text COLLATE "C" NOT NULL,
        username text NOT NULL,
        username_key text COLLATE "C" NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        disabled boolean NOT NULL
      );
      CREATE UNIQUE INDEX users_tenant_username_key ON users (tenant, username_key);

      CREATE TABLE clients (
        client_id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        allowed_scopes text NOT NULL,
        device_grant_enabled boolean NOT NULL,
        deep_link_enabled boolean NOT NULL
      );

      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        private_jwk text NOT NULL,
        public_jwk text NOT NULL,
        created_at bigint NOT NULL,
        retired_at bigint,
        -- Insertion order: breaks ties between keys created in the same millisecond.
        seq bigint GENERATED ALWAYS AS IDENTITY
      );

      CREATE TABLE counters (
        key text NOT NULL,
        window_ms bigint NOT NULL,
        window_start bigint NOT NULL,
        window_end bigint NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (key, window_ms, window_start)
      );
      CREATE INDEX counters_window_end ON counters (window_end);
    `,
  },
  {
    version: 2,
    name: 'client token lifetimes',
    // NULL = the server's default lifetime; existing clients keep it.
    sql: `
      ALTER TABLE clients ADD COLUMN access_token_lifetime_seconds integer
        CHECK (access_token_lifetime_seconds IS NULL OR access_token_lifetime_seconds > 0);
      ALTER TABLE clients ADD COLUMN refresh_token_lifetime_seconds integer
        CHECK (refresh_token_lifetime_seconds IS NULL OR refresh_token_lifetime_seconds > 0);
    `,
  },
  {
    version: 3,
    name: 'mfa totp',
    // Secrets arrive sealed (mfa/secret-box.ts); recovery codes are SHA-256 hashes. A user's
    // enrolment and codes go with the user, the codes with the enrolment.
    sql: `
      CREATE TABLE tenant_policies (
        tenant text PRIMARY KEY,
        mfa_required boolean NOT NULL
      );

      CREATE TABLE totp_enrolments (
        user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        sealed_secret text NOT NULL,
        enrolled_at bigint NOT NULL,
        last_used_step bigint NOT NULL,
        last_used_at bigint
      );

      CREATE TABLE totp_recovery_codes (
        user_id text NOT NULL REFERENCES totp_enrolments (user_id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at bigint,
        PRIMARY KEY (user_id, code_hash)
      );
    `,
  },
  // --- DPoP (RFC 9449): bound refresh tokens, per-client policy ---
  {
    version: 4,
    name: 'dpop',
    sql: `
      ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt text;
      ALTER TABLE clients ADD COLUMN dpop_required boolean NOT NULL DEFAULT false;
    `,
  },
  // --- Detect and remediate: approval records, per-user token revocation (as in SQLite) ---
  {
    version: 5,
    name: 'approvals and token revocation',
    sql: `
      CREATE TABLE approvals (
        id text COLLATE "C" PRIMARY KEY,
        tenant text NOT NULL,
        client_id text NOT NULL,
        subject text NOT NULL,
        granted_scope text NOT NULL,
        user_code_hash text NOT NULL,
        request_ip text NOT NULL,
        request_user_agent text NOT NULL,
        requested_at bigint NOT NULL,
        approve_ip text NOT NULL,
        approve_user_agent text NOT NULL,
        approved_at bigint NOT NULL,
        grant_id text,
        redeemed_at bigint,
        revoked_at bigint
      );
      CREATE INDEX approvals_approved_at ON approvals (approved_at);
      CREATE INDEX approvals_subject ON approvals (subject, approved_at);
      CREATE INDEX approvals_user_code_hash ON approvals (user_code_hash, approved_at);
      CREATE INDEX approvals_grant_id ON approvals (grant_id);

      CREATE TABLE user_token_revocations (
        subject text PRIMARY KEY,
        valid_after bigint NOT NULL,
        updated_at bigint NOT NULL
      );

      CREATE INDEX refresh_tokens_subject ON refresh_tokens (subject);
    `,
  },
];

/**
 * Brings the database (the first schema of the connection's `search_path`) to the newest schema
 * of `migrations`.
 *
 * @param now - time recorded as `applied_at`, epoch milliseconds.
 * @returns the versions applied now (empty when the database was up to date).
 * @throws Error when the database holds a version newer than any of `migrations` (written by a
 *   newer release), or what a failing migration throws (that migration is rolled back);
 *   {@link StoreUnavailableError} when the database cannot be reached.
 */
export async function migrate(
  db: PgDatabase,
  now: number,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<readonly number[]> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const newest = ordered.at(-1)?.version ?? 0;
  const client = await db.connect();
  const sql = onClient(client);
  let failure: Error | undefined;
  try {
    await sql.run('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await sql.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at bigint NOT NULL
      )`);
      const rows = await sql.rows<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      const unknown = [...applied].filter((version) => version > newest);
      if (unknown.length > 0) {
        throw new Error(
          `database schema version ${Math.max(...unknown)} is newer than this release supports (${newest})`,
        );
      }
      const done: number[] = [];
      for (const migration of ordered) {
        if (applied.has(migration.version)) continue;
        await sql.run('BEGIN');
        try {
          await sql.run(migration.sql);
          await sql.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            now,
          ]);
          await sql.run('COMMIT');
        } catch (error) {
          await sql.run('ROLLBACK');
          throw error;
        }
        done.push(migration.version);
      }
      return done;
    } finally {
      await sql.run('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    // A connection whose lock or transaction state is unknown is not handed out again.
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(failure);
  }
}
