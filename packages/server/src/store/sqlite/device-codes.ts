/**
 * Device authorizations in SQLite: synchronous operations on prepared statements, each one a
 * single conditional statement or one immediate transaction. Approval and redemption also write
 * the code's approval record (`approvals`, migration 5) in the same transaction.
 */
import type Database from 'better-sqlite3';
import type { Approver, DeviceCodeRecord, NewDeviceCode } from '../store.js';
import { deviceCodeFromRow, newDeviceCodeParams, type DeviceCodeRow, type Params } from './rows.js';

/** Rows deleted per statement by {@link SqliteDeviceCodes.purgeExpired}. */
const PURGE_BATCH = 500;

/** The `device_codes` table. */
export class SqliteDeviceCodes {
  readonly #insert: Database.Statement<Params>;
  readonly #deleteExpiredWithUserCode: Database.Statement<Params>;
  readonly #create: Database.Transaction<(record: NewDeviceCode) => boolean>;
  readonly #byHash: Database.Statement<[string], DeviceCodeRow>;
  readonly #byUserCode: Database.Statement<[string], DeviceCodeRow>;
  readonly #approve: Database.Transaction<
    (id: string, subject: string, grantedScope: string, at: number, approver: Approver) => boolean
  >;
  readonly #deny: Database.Statement<Params>;
  readonly #consume: Database.Transaction<(id: string, grantId: string, at: number) => DeviceCodeRow | undefined>;
  readonly #purge: Database.Statement<Params>;

  /** Prepares every statement once. */
  constructor(db: Database.Database) {
    // ON CONFLICT names only the user code: a duplicate id or device code hash is a bug and throws.
    this.#insert = db.prepare<Params>(`
      INSERT INTO device_codes (id, device_code_hash, user_code_hash, client_id, tenant, scope,
        created_at, expires_at, poll_interval, status, request_ip, request_user_agent)
      VALUES (@id, @deviceCodeHash, @userCodeHash, @clientId, @tenant, @scope,
        @createdAt, @expiresAt, @interval, 'pending', @requestIp, @requestUserAgent)
      ON CONFLICT (user_code_hash) DO NOTHING`);
    this.#deleteExpiredWithUserCode = db.prepare<Params>(
      'DELETE FROM device_codes WHERE user_code_hash = @userCodeHash AND expires_at <= @at',
    );
    this.#create = db.transaction((record: NewDeviceCode): boolean => {
      this.#deleteExpiredWithUserCode.run({ userCodeHash: record.userCodeHash, at: record.createdAt });
      return this.#insert.run(newDeviceCodeParams(record)).changes === 1;
    });
    this.#byHash = db.prepare<[string], DeviceCodeRow>('SELECT * FROM device_codes WHERE device_code_hash = ?');
    this.#byUserCode = db.prepare<[string], DeviceCodeRow>('SELECT * FROM device_codes WHERE user_code_hash = ?');
    const markApproved = db.prepare<Params, DeviceCodeRow>(`
      UPDATE device_codes
      SET status = 'approved', subject = @subject, granted_scope = @grantedScope, decided_at = @at
      WHERE id = @id AND status = 'pending' AND expires_at > @at
      RETURNING *`);
    const recordApproval = db.prepare<Params>(`
      INSERT INTO approvals (id, tenant, client_id, subject, granted_scope, user_code_hash,
        request_ip, request_user_agent, requested_at, approve_ip, approve_user_agent, approved_at)
      VALUES (@id, @tenant, @clientId, @subject, @grantedScope, @userCodeHash,
        @requestIp, @requestUserAgent, @requestedAt, @approveIp, @approveUserAgent, @approvedAt)`);
    this.#approve = db.transaction(
      (id: string, subject: string, grantedScope: string, at: number, approver: Approver): boolean => {
        const row = markApproved.get({ id, subject, grantedScope, at });
        if (row === undefined) return false;
        recordApproval.run({
          id: row.id,
          tenant: row.tenant,
          clientId: row.client_id,
          subject,
          grantedScope,
          userCodeHash: row.user_code_hash,
          requestIp: row.request_ip,
          requestUserAgent: row.request_user_agent,
          requestedAt: row.created_at,
          approveIp: approver.ip,
          approveUserAgent: approver.userAgent,
          approvedAt: at,
        });
        return true;
      },
    );
    this.#deny = db.prepare<Params>(`
      UPDATE device_codes SET status = 'denied', decided_at = @at
      WHERE id = @id AND status = 'pending' AND expires_at > @at`);
    const markConsumed = db.prepare<Params, DeviceCodeRow>(`
      UPDATE device_codes SET status = 'consumed', consumed_at = @at, grant_id = @grantId
      WHERE id = @id AND status = 'approved' AND expires_at > @at
      RETURNING *`);
    const linkApproval = db.prepare<Params>(
      'UPDATE approvals SET grant_id = @grantId, redeemed_at = @at WHERE id = @id',
    );
    this.#consume = db.transaction((id: string, grantId: string, at: number): DeviceCodeRow | undefined => {
      const row = markConsumed.get({ id, grantId, at });
      if (row !== undefined) linkApproval.run({ id, grantId, at });
      return row;
    });
    this.#purge = db.prepare<Params>(`
      DELETE FROM device_codes WHERE rowid IN (
        SELECT rowid FROM device_codes WHERE expires_at <= @before LIMIT @limit)`);
  }

  /**
   * Inserts a pending code. A code whose user code hash is held by a row expired at
   * `record.createdAt` replaces that row (deleted in the same transaction); a live one makes
   * this return false.
   */
  create(record: NewDeviceCode): boolean {
    return this.#create.immediate(record);
  }

  /** The code with this device code hash, in whatever state. */
  findByHash(deviceCodeHash: string): DeviceCodeRecord | undefined {
    const row = this.#byHash.get(deviceCodeHash);
    return row === undefined ? undefined : deviceCodeFromRow(row);
  }

  /** The code with this user code hash, in whatever state (at most one: the index is unique). */
  findByUserCode(userCodeHash: string): DeviceCodeRecord | undefined {
    const row = this.#byUserCode.get(userCodeHash);
    return row === undefined ? undefined : deviceCodeFromRow(row);
  }

  /**
   * pending → approved if not expired at `at`, with its approval record, in one immediate
   * transaction; true when it changed.
   */
  approve(id: string, subject: string, grantedScope: string, at: number, approver: Approver): boolean {
    return this.#approve.immediate(id, subject, grantedScope, at, approver);
  }

  /** pending → denied if not expired at `at`; true when it changed. */
  deny(id: string, at: number): boolean {
    return this.#deny.run({ id, at }).changes === 1;
  }

  /**
   * approved → consumed in one conditional `UPDATE … RETURNING` (one caller ever gets the row),
   * and its approval linked to the grant, in one immediate transaction.
   */
  consume(id: string, grantId: string, at: number): DeviceCodeRecord | undefined {
    const row = this.#consume.immediate(id, grantId, at);
    return row === undefined ? undefined : deviceCodeFromRow(row);
  }

  /** Deletes codes expired at `before`, in batches (each its own statement); returns how many. */
  purgeExpired(before: number): number {
    let total = 0;
    for (;;) {
      const { changes } = this.#purge.run({ before, limit: PURGE_BATCH });
      total += changes;
      if (changes < PURGE_BATCH) return total;
    }
  }
}
