/**
 * Numbered schema migrations of the SQLite store. {@link migrate} runs at every open: inside one
 * `BEGIN IMMEDIATE` transaction it reads `schema_migrations`, applies the missing migrations in
 * order and records each one, so reopening a database applies nothing, two processes opening
 * the same new file do not both migrate it, and a migration that fails leaves no trace.
 *
 * Append new migrations; never edit one that has shipped.
 */
import type Database from 'better-sqlite3';

/** One schema change. */
export interface Migration {
  /** 1, 2, 3… in order, never reused. */
  readonly version: number;
  /** What it does, recorded beside the version. */
  readonly name: string;
  /** SQL statements, run with `exec`. */
  readonly sql: string;
}

/**
 * The schema. Design notes:
 * - codes and tokens are stored as hashes only (see store.ts);
 * - `user_code_hash` is simply UNIQUE: a user code stays taken until its row is deleted, which
 *   happens when a new code collides with it after it expired (in the insert's transaction) or
 *   at `purgeExpired`. So a lookup by user code is never ambiguous, and a used or denied code
 *   cannot be mistaken for a new one before it expires;
 * - usernames are unique per tenant on `username_key` (see username-key.ts);
 * - tables are STRICT so a wrongly typed binding fails instead of being stored.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE device_codes (
        id TEXT PRIMARY KEY,
        device_code_hash TEXT NOT NULL UNIQUE,
        user_code_hash TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL,
        tenant TEXT NOT NULL,
        scope TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        poll_interval INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
        request_ip TEXT NOT NULL,
        request_user_agent TEXT NOT NULL,
        subject TEXT,
        granted_scope TEXT,
        decided_at INTEGER,
        consumed_at INTEGER,
        grant_id TEXT
      ) STRICT;
      CREATE INDEX device_codes_expires_at ON device_codes (expires_at);

      CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        family_id TEXT NOT NULL,
        grant_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        tenant TEXT NOT NULL,
        subject TEXT NOT NULL,
        scope TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        rotated_at INTEGER,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
      CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id);
      CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL CHECK (disabled IN (0, 1))
      ) STRICT;
      CREATE UNIQUE INDEX users_tenant_username_key ON users (tenant, username_key);

      CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        allowed_scopes TEXT NOT NULL,
        device_grant_enabled INTEGER NOT NULL CHECK (device_grant_enabled IN (0, 1)),
        deep_link_enabled INTEGER NOT NULL CHECK (deep_link_enabled IN (0, 1))
      ) STRICT;

      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        private_jwk TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retired_at INTEGER
      ) STRICT;

      CREATE TABLE counters (
        key TEXT NOT NULL,
        window_ms INTEGER NOT NULL,
        window_start INTEGER NOT NULL,
        window_end INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (key, window_ms, window_start)
      ) STRICT;
      CREATE INDEX counters_window_end ON counters (window_end);
    `,
  },
  // --- Per-client token lifetimes (device-code policy) ---
  {
    version: 2,
    name: 'client token lifetimes',
    // NULL = the server's default lifetime; existing clients keep it.
    sql: `
      ALTER TABLE clients ADD COLUMN access_token_lifetime_seconds INTEGER
        CHECK (access_token_lifetime_seconds IS NULL OR access_token_lifetime_seconds > 0);
      ALTER TABLE clients ADD COLUMN refresh_token_lifetime_seconds INTEGER
        CHECK (refresh_token_lifetime_seconds IS NULL OR refresh_token_lifetime_seconds > 0);
    `,
  },
  // --- MFA: tenant policy, TOTP enrolments, recovery codes ---
  {
    version: 3,
    name: 'mfa totp',
    // Secrets are sealed by the server before they get here (mfa/secret-box.ts); recovery codes
    // are SHA-256 hashes. A user's enrolment and codes go with the user.
    sql: `
      CREATE TABLE tenant_policies (
        tenant TEXT PRIMARY KEY,
        mfa_required INTEGER NOT NULL CHECK (mfa_required IN (0, 1))
      ) STRICT;

      CREATE TABLE totp_enrolments (
        user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        sealed_secret TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL,
        last_used_step INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT;

      CREATE TABLE totp_recovery_codes (
        user_id TEXT NOT NULL REFERENCES totp_enrolments (user_id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        used_at INTEGER,
        PRIMARY KEY (user_id, code_hash)
      ) STRICT;
    `,
  },
  // --- DPoP (RFC 9449): bound refresh tokens, per-client policy ---
  {
    version: 4,
    name: 'dpop',
    // The JWK SHA-256 thumbprint (RFC 7638) of the key a refresh token is bound to; NULL = a
    // bearer refresh token. Rotation carries it to the successor.
    sql: `
      ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt TEXT;
      ALTER TABLE clients ADD COLUMN dpop_required INTEGER NOT NULL DEFAULT 0 CHECK (dpop_required IN (0, 1));
    `,
  },
  // --- Detect and remediate: approval records, per-user token revocation ---
  {
    version: 5,
    name: 'approvals and token revocation',
    // `approvals`: one row per approved device code (id = the code's id), written with the
    // approval and kept after the code is purged, until the approval retention. `grant_id` links
    // it to the tokens (refresh tokens' `grant_id`, access tokens' `sid`).
    // `user_token_revocations`: per user, access tokens issued (`iat`, epoch seconds) before
    // `valid_after` are refused. `refresh_tokens_subject`: revoking a user's refresh tokens.
    sql: `
      CREATE TABLE approvals (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        client_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        granted_scope TEXT NOT NULL,
        user_code_hash TEXT NOT NULL,
        request_ip TEXT NOT NULL,
        request_user_agent TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        approve_ip TEXT NOT NULL,
        approve_user_agent TEXT NOT NULL,
        approved_at INTEGER NOT NULL,
        grant_id TEXT,
        redeemed_at INTEGER,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX approvals_approved_at ON approvals (approved_at);
      CREATE INDEX approvals_subject ON approvals (subject, approved_at);
      CREATE INDEX approvals_user_code_hash ON approvals (user_code_hash, approved_at);
      CREATE INDEX approvals_grant_id ON approvals (grant_id);

      CREATE TABLE user_token_revocations (
        subject TEXT PRIMARY KEY,
        valid_after INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE INDEX refresh_tokens_subject ON refresh_tokens (subject);
    `,
  },
];

/**
 * Brings `db` to the newest schema of `migrations`, in one immediate transaction.
 *
 * @param now - time recorded as `applied_at`, epoch milliseconds.
 * @returns the versions applied now (empty when the database was up to date).
 * @throws Error when the database holds a version newer than any of `migrations` (it was
 *   written by a newer release: opening it with this one could corrupt it), or whatever a
 *   failing migration throws (nothing of the run is kept).
 */
export function migrate(
  db: Database.Database,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): readonly number[] {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const applied = new Set(db.prepare<[], number>('SELECT version FROM schema_migrations').pluck().all());
    const newest = ordered.at(-1)?.version ?? 0;
    const unknown = [...applied].filter((version) => version > newest);
    if (unknown.length > 0) {
      throw new Error(
        `database schema version ${Math.max(...unknown)} is newer than this release supports (${newest})`,
      );
    }
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const done: number[] = [];
    for (const migration of ordered) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
      done.push(migration.version);
    }
    return done;
  });
  return run.immediate();
}
