/**
 * The SQLite backend of the {@link Store} port (better-sqlite3). One connection per store: WAL
 * journal (readers never block the writer), `busy_timeout` (a second process waits for the write
 * lock instead of failing), foreign keys on, every statement prepared once at open.
 *
 * Atomicity: each state change is one conditional statement (`UPDATE … WHERE status = 'approved'
 * AND expires_at > @at RETURNING *`) or one `BEGIN IMMEDIATE` transaction (code creation with
 * expired-collision cleanup, refresh token rotation with reuse detection), so any number of
 * stores on one file — in one process or many — see each code consumed and each token rotated
 * exactly once.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Clock } from '@devicelogin/protocol';
import type { Store } from '../store.js';
import { SqliteApprovals } from './approvals.js';
import { SqliteCounters } from './counters.js';
import { SqliteDeviceCodes } from './device-codes.js';
import { SqliteDirectory } from './directory.js';
import { SqliteMfa } from './mfa.js';
import { migrate } from './migrations.js';
import { SqliteRefreshTokens } from './refresh-tokens.js';

/** How {@link openSqliteStore} opens the database. */
export interface SqliteStoreOptions {
  /** Database file, created when missing; `':memory:'` for a private in-memory database. */
  readonly path: string;
  /** Time recorded for applied migrations. Default: the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
  /** How long a write waits for another connection's write lock, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/** A {@link Store} on a SQLite database. */
export interface SqliteStore extends Store {
  /** The database file (or `':memory:'`). */
  readonly path: string;
  /** Migration versions this open applied (empty when the file was already up to date). */
  readonly migrationsApplied: readonly number[];
}

/** Runs synchronous work as a promise: a throw becomes a rejection. */
function run<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()));
}

/**
 * Opens (creating and migrating as needed) a SQLite store.
 *
 * @throws Error when the file cannot be opened, or holds a schema newer than this release.
 * @example
 * const store = openSqliteStore({ path: 'devicelogin.sqlite' });
 * await store.purgeExpired(Date.now());
 * await store.close();
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  createPrivately(options.path);
  const db = new Database(options.path, { timeout: busyTimeoutMs });
  let migrationsApplied: readonly number[];
  let parts: {
    codes: SqliteDeviceCodes;
    tokens: SqliteRefreshTokens;
    directory: SqliteDirectory;
    counters: SqliteCounters;
    mfa: SqliteMfa;
    approvals: SqliteApprovals;
  };
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    db.pragma('foreign_keys = ON');
    // Durable across process crashes in WAL mode; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    migrationsApplied = migrate(db, (options.clock ?? Date).now());
    parts = {
      codes: new SqliteDeviceCodes(db),
      tokens: new SqliteRefreshTokens(db),
      directory: new SqliteDirectory(db),
      counters: new SqliteCounters(db),
      mfa: new SqliteMfa(db),
      approvals: new SqliteApprovals(db),
    };
  } catch (error) {
    db.close();
    throw error;
  }
  const { codes, tokens, directory, counters, mfa, approvals } = parts;

  return {
    path: options.path,
    migrationsApplied,

    createDeviceCode: (record) => run(() => codes.create(record)),
    findDeviceCodeByHash: (hash) => run(() => codes.findByHash(hash)),
    findDeviceCodeByUserCode: (hash) => run(() => codes.findByUserCode(hash)),
    approveDeviceCode: (id, subject, grantedScope, at, approver) =>
      run(() => codes.approve(id, subject, grantedScope, at, approver)),
    denyDeviceCode: (id, at) => run(() => codes.deny(id, at)),
    consumeDeviceCode: (id, grantId, at) => run(() => codes.consume(id, grantId, at)),

    createRefreshToken: (record) => run(() => tokens.create(record)),
    rotateRefreshToken: (oldHash, next, at) => run(() => tokens.rotate(oldHash, next, at)),
    findRefreshToken: (hash) => run(() => tokens.find(hash)),
    revokeGrant: (grantId, at) => run(() => tokens.revokeGrant(grantId, at)),
    revokeFamily: (familyId, at) => run(() => tokens.revokeFamily(familyId, at)),

    findUser: (tenant, username) => run(() => directory.findUser(tenant, username)),
    findUserById: (id) => run(() => directory.findUserById(id)),
    upsertUser: (user) => run(() => directory.upsertUser(user)),
    listUsers: (tenant) => run(() => directory.listUsers(tenant)),
    findClient: (clientId) => run(() => directory.findClient(clientId)),
    upsertClient: (client) => run(() => directory.upsertClient(client)),
    listClients: () => run(() => directory.listClients()),

    // --- MFA (migration 3) ---
    findTenantPolicy: (tenant) => run(() => mfa.findTenantPolicy(tenant)),
    setTenantPolicy: (policy) => run(() => mfa.setTenantPolicy(policy)),
    findTotpEnrolment: (userId) => run(() => mfa.findEnrolment(userId)),
    enrolTotp: (enrolment, codeHashes) => run(() => mfa.enrol(enrolment, codeHashes)),
    useTotpStep: (userId, step, at) => run(() => mfa.useStep(userId, step, at)),
    consumeRecoveryCode: (userId, codeHash, at) => run(() => mfa.useRecoveryCode(userId, codeHash, at)),
    countRecoveryCodes: (userId) => run(() => mfa.countRecoveryCodes(userId)),
    deleteTotpEnrolment: (userId) => run(() => mfa.deleteEnrolment(userId)),

    signingKeys: () => run(() => directory.signingKeys()),
    addSigningKey: (key) => run(() => directory.addSigningKey(key)),
    retireSigningKey: (kid, at) => run(() => directory.retireSigningKey(kid, at)),

    hit: (key, windowMs, at) => run(() => counters.hit(key, windowMs, at)),
    count: (key, windowMs, at) => run(() => counters.count(key, windowMs, at)),

    // --- Detect and remediate (migration 5) ---
    listApprovals: (query) => run(() => approvals.list(query)),
    findApproval: (id) => run(() => approvals.find(id)),
    findLatestApprovalByUserCode: (hash) => run(() => approvals.findLatestByUserCode(hash)),
    revokeApproval: (id, at) => run(() => approvals.revoke(id, at)),
    revokeUserTokens: (subject, at, { refresh }) => run(() => approvals.revokeUser(subject, at, refresh)),
    accessTokenState: (grantId, subject) => run(() => approvals.state(grantId, subject)),

    // Counter windows that ended are dropped too; the result counts codes, tokens and approvals.
    purgeExpired: (before, options) =>
      run(() => {
        let deleted = codes.purgeExpired(before) + tokens.purgeExpired(before);
        if (options?.approvalsBefore !== undefined) deleted += approvals.purgeBefore(options.approvalsBefore);
        counters.purgeEnded(before);
        return deleted;
      }),
    ping: () =>
      run(() => {
        db.prepare('SELECT 1').get();
      }),
    close: () =>
      run(() => {
        if (db.open) db.close();
      }),
  };
}

/**
 * Creates a missing database file readable by its owner only (0600, whatever the umask): it
 * holds the signing keys' private parts, hashed codes and tokens, and TOTP secrets. SQLite gives
 * its `-wal` and `-shm` files the database file's permissions. An existing file is left as it is
 * (docs/server.md, "Store"). Not for `:memory:` or SQLite URIs.
 */
function createPrivately(path: string): void {
  if (path === ':memory:' || path === '' || path.startsWith('file:')) return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch {
    // Exists already (kept as it is), or cannot be created: SQLite's own open reports that.
  }
}
