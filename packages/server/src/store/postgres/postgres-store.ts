/**
 * The PostgreSQL backend of the {@link Store} port (`pg` 8): a connection pool shared by every
 * request, the schema migrated at open under an advisory lock, and the same semantics as the
 * SQLite store (one contract suite, test/store/contract.ts). Several instances may share one
 * database: consumption, rotation, MFA steps and counters are single conditional statements or
 * short transactions, so each code is consumed and each token rotated exactly once in all.
 *
 * While the database is unreachable every method rejects with {@link StoreUnavailableError};
 * the pool drops dead connections and opens new ones, so service resumes by itself when the
 * database is back.
 */
import type { Clock } from '@devicelogin/protocol';
import type { Store } from '../store.js';
import { PgApprovals } from './approvals.js';
import { PgCounters } from './counters.js';
import { PgDatabase } from './database.js';
import { PgDeviceCodes } from './device-codes.js';
import { PgDirectory } from './directory.js';
import { PgMfa } from './mfa.js';
import { migrate } from './migrations.js';
import { PgRefreshTokens } from './refresh-tokens.js';

/** How {@link openPostgresStore} connects. */
export interface PostgresStoreOptions {
  /**
   * `postgres://user:password@host:port/database` (libpq URL; `?sslmode=…`, and
   * `?options=-c%20search_path%3Dschema` for a schema other than `public`, are honoured).
   * Never logged.
   */
  readonly connectionString: string;
  /** Most connections the pool opens. Default 10. */
  readonly max?: number;
  /** How long a query waits for a connection before failing as unavailable, ms. Default 5000. */
  readonly connectionTimeoutMillis?: number;
  /** How long an idle connection is kept, ms. Default 10000. */
  readonly idleTimeoutMillis?: number;
  /** `application_name` shown in `pg_stat_activity`. Default `devicelogin`. */
  readonly applicationName?: string;
  /** Time recorded for applied migrations. Default: the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
  /**
   * Told when an idle pooled connection fails (the server restarted, an administrator killed
   * it); the pool replaces it. Default: ignored. The error never carries the password.
   */
  readonly onIdleError?: (error: Error) => void;
}

/** A {@link Store} on a PostgreSQL database. */
export interface PostgresStore extends Store {
  /** Migration versions this open applied (empty when the database was already up to date). */
  readonly migrationsApplied: readonly number[];
}

/**
 * Connects, migrates (under an advisory lock: instances starting together apply each migration
 * once) and returns the store. Close it to end the pool.
 *
 * @throws {StoreUnavailableError} when the database cannot be reached.
 * @throws Error when the database holds a schema newer than this release, or a migration fails.
 * @example
 * const store = await openPostgresStore({ connectionString: process.env.DATABASE_URL ?? '' });
 * await store.purgeExpired(Date.now());
 * await store.close();
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const db = new PgDatabase({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 10_000,
    applicationName: options.applicationName ?? 'devicelogin',
    onIdleError: options.onIdleError ?? (() => undefined),
  });
  let migrationsApplied: readonly number[];
  try {
    migrationsApplied = await migrate(db, (options.clock ?? Date).now());
  } catch (error) {
    await db.end();
    throw error;
  }
  const codes = new PgDeviceCodes(db);
  const tokens = new PgRefreshTokens(db);
  const directory = new PgDirectory(db);
  const counters = new PgCounters(db);
  const mfa = new PgMfa(db);
  const approvals = new PgApprovals(db);

  return {
    migrationsApplied,

    createDeviceCode: (record) => codes.create(record),
    findDeviceCodeByHash: (hash) => codes.findByHash(hash),
    findDeviceCodeByUserCode: (hash) => codes.findByUserCode(hash),
    approveDeviceCode: (id, subject, grantedScope, at, approver) =>
      codes.approve(id, subject, grantedScope, at, approver),
    denyDeviceCode: (id, at) => codes.deny(id, at),
    consumeDeviceCode: (id, grantId, at) => codes.consume(id, grantId, at),

    createRefreshToken: (record) => tokens.create(record),
    rotateRefreshToken: (oldHash, next, at) => tokens.rotate(oldHash, next, at),
    findRefreshToken: (hash) => tokens.find(hash),
    revokeGrant: (grantId, at) => tokens.revokeGrant(grantId, at),
    revokeFamily: (familyId, at) => tokens.revokeFamily(familyId, at),

    findUser: (tenant, username) => directory.findUser(tenant, username),
    findUserById: (id) => directory.findUserById(id),
    upsertUser: (user) => directory.upsertUser(user),
    listUsers: (tenant) => directory.listUsers(tenant),
    findClient: (clientId) => directory.findClient(clientId),
    upsertClient: (client) => directory.upsertClient(client),
    listClients: () => directory.listClients(),

    findTenantPolicy: (tenant) => mfa.findTenantPolicy(tenant),
    setTenantPolicy: (policy) => mfa.setTenantPolicy(policy),
    findTotpEnrolment: (userId) => mfa.findEnrolment(userId),
    enrolTotp: (enrolment, codeHashes) => mfa.enrol(enrolment, codeHashes),
    useTotpStep: (userId, step, at) => mfa.useStep(userId, step, at),
    consumeRecoveryCode: (userId, codeHash, at) => mfa.useRecoveryCode(userId, codeHash, at),
    countRecoveryCodes: (userId) => mfa.countRecoveryCodes(userId),
    deleteTotpEnrolment: (userId) => mfa.deleteEnrolment(userId),

    signingKeys: () => directory.signingKeys(),
    addSigningKey: (key) => directory.addSigningKey(key),
    retireSigningKey: (kid, at) => directory.retireSigningKey(kid, at),

    hit: (key, windowMs, at) => counters.hit(key, windowMs, at),
    count: (key, windowMs, at) => counters.count(key, windowMs, at),

    // --- Detect and remediate (migration 5) ---
    listApprovals: (query) => approvals.list(query),
    findApproval: (id) => approvals.find(id),
    findLatestApprovalByUserCode: (hash) => approvals.findLatestByUserCode(hash),
    revokeApproval: (id, at) => approvals.revoke(id, at),
    revokeUserTokens: (subject, at, { refresh }) => approvals.revokeUser(subject, at, refresh),
    accessTokenState: (grantId, subject) => approvals.state(grantId, subject),

    // Counter windows that ended are dropped too; the result counts codes, tokens and approvals.
    purgeExpired: async (before, options) => {
      let deleted = (await codes.purgeExpired(before)) + (await tokens.purgeExpired(before));
      if (options?.approvalsBefore !== undefined) deleted += await approvals.purgeBefore(options.approvalsBefore);
      await counters.purgeEnded(before);
      return deleted;
    },
    ping: async () => {
      await db.run('SELECT 1');
    },
    close: () => db.end(),
  };
}
