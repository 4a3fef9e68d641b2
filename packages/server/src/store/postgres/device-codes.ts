/**
 * Device authorizations in PostgreSQL: each state change is one conditional statement, which
 * under READ COMMITTED re-checks its condition on the newest row version after waiting for a
 * concurrent writer, so exactly one of any number of racing instances wins. Approval and
 * redemption also write the code's approval record (`approvals`, migration 5) in the same
 * statement (data-modifying `WITH`), locking the code's row before the approval's.
 */
import type { Approver, DeviceCodeRecord, NewDeviceCode } from '../store.js';
import { deleteInBatches, type PgDatabase, type Queryable } from './database.js';
import { deviceCodeFromRow, type DeviceCodeRow } from './rows.js';

/** Inserts a pending code unless its user code hash is taken; 1 when inserted, 0 when taken. */
function insert(sql: Queryable, record: NewDeviceCode): Promise<number> {
  return sql.run(
    `INSERT INTO device_codes (id, device_code_hash, user_code_hash, client_id, tenant, scope,
      created_at, expires_at, poll_interval, status, request_ip, request_user_agent)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)
    ON CONFLICT (user_code_hash) DO NOTHING`,
    [
      record.id,
      record.deviceCodeHash,
      record.userCodeHash,
      record.clientId,
      record.tenant,
      record.scope,
      record.createdAt,
      record.expiresAt,
      record.interval,
      record.requestIp,
      record.requestUserAgent,
    ],
  );
}

/** The `device_codes` table. */
export class PgDeviceCodes {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /**
   * Inserts a pending code. A row holding the same user code hash that is expired at
   * `record.createdAt` is replaced; a live one makes this return false. The usual case is one
   * statement; only on a user code collision (rare: 34.6 bits) does a transaction delete the
   * holder if it is expired and try the insert again. A concurrent insert of the same user code
   * waits on the unique index, then does nothing. A duplicate id or device code hash throws.
   */
  async create(record: NewDeviceCode): Promise<boolean> {
    if ((await insert(this.#db, record)) === 1) return true;
    return this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM device_codes WHERE user_code_hash = $1 AND expires_at <= $2', [
        record.userCodeHash,
        record.createdAt,
      ]);
      return (await insert(tx, record)) === 1;
    });
  }

  /** The code with this device code hash, in whatever state. */
  async findByHash(deviceCodeHash: string): Promise<DeviceCodeRecord | undefined> {
    const [row] = await this.#db.rows<DeviceCodeRow>('SELECT * FROM device_codes WHERE device_code_hash = $1', [
      deviceCodeHash,
    ]);
    return row === undefined ? undefined : deviceCodeFromRow(row);
  }

  /** The code with this user code hash, in whatever state (at most one: the index is unique). */
  async findByUserCode(userCodeHash: string): Promise<DeviceCodeRecord | undefined> {
    const [row] = await this.#db.rows<DeviceCodeRow>('SELECT * FROM device_codes WHERE user_code_hash = $1', [
      userCodeHash,
    ]);
    return row === undefined ? undefined : deviceCodeFromRow(row);
  }

  /** pending → approved if not expired at `at`, with its approval record; true when it changed. */
  async approve(id: string, subject: string, grantedScope: string, at: number, approver: Approver): Promise<boolean> {
    const changed = await this.#db.run(
      `WITH approved AS (
        UPDATE device_codes SET status = 'approved', subject = $2, granted_scope = $3, decided_at = $4
        WHERE id = $1 AND status = 'pending' AND expires_at > $4
        RETURNING *)
      INSERT INTO approvals (id, tenant, client_id, subject, granted_scope, user_code_hash,
        request_ip, request_user_agent, requested_at, approve_ip, approve_user_agent, approved_at)
      SELECT id, tenant, client_id, subject, granted_scope, user_code_hash,
        request_ip, request_user_agent, created_at, $5, $6, decided_at
      FROM approved`,
      [id, subject, grantedScope, at, approver.ip, approver.userAgent],
    );
    return changed === 1;
  }

  /** pending → denied if not expired at `at`; true when it changed. */
  async deny(id: string, at: number): Promise<boolean> {
    const changed = await this.#db.run(
      `UPDATE device_codes SET status = 'denied', decided_at = $2
      WHERE id = $1 AND status = 'pending' AND expires_at > $2`,
      [id, at],
    );
    return changed === 1;
  }

  /**
   * approved → consumed in one conditional `UPDATE … RETURNING` (one caller ever gets the row),
   * its approval linked to the grant in the same statement.
   */
  async consume(id: string, grantId: string, at: number): Promise<DeviceCodeRecord | undefined> {
    const [row] = await this.#db.rows<DeviceCodeRow>(
      `WITH consumed AS (
        UPDATE device_codes SET status = 'consumed', consumed_at = $3, grant_id = $2
        WHERE id = $1 AND status = 'approved' AND consumed_at IS NULL AND expires_at > $3
        RETURNING *),
      linked AS (
        UPDATE approvals SET grant_id = consumed.grant_id, redeemed_at = consumed.consumed_at
        FROM consumed WHERE approvals.id = consumed.id)
      SELECT * FROM consumed`,
      [id, grantId, at],
    );
    return row === undefined ? undefined : deviceCodeFromRow(row);
  }

  /** Deletes codes expired at `before`, in batches; returns how many. */
  purgeExpired(before: number): Promise<number> {
    return deleteInBatches(
      this.#db,
      `DELETE FROM device_codes WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM device_codes WHERE expires_at <= $1 LIMIT $2))`,
      before,
    );
  }
}
