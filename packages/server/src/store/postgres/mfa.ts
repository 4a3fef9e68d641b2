/**
 * MFA data in PostgreSQL: tenant policies, TOTP enrolments and recovery codes. Each state change
 * is one conditional statement (re-checked on the newest row version after a concurrent writer
 * commits) or one transaction, so two tabs or two instances racing with one code see exactly one
 * success.
 */
import type { TenantPolicy, TotpEnrolment } from '../store.js';
import type { PgDatabase } from './database.js';
import { totpEnrolmentFromRow, type TotpEnrolmentRow } from './rows.js';

/** The `tenant_policies`, `totp_enrolments` and `totp_recovery_codes` tables (migration 3). */
export class PgMfa {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** The tenant's policy, if one was set. */
  async findTenantPolicy(tenant: string): Promise<TenantPolicy | undefined> {
    const [row] = await this.#db.rows<{ tenant: string; mfa_required: boolean }>(
      'SELECT tenant, mfa_required FROM tenant_policies WHERE tenant = $1',
      [tenant],
    );
    return row === undefined ? undefined : { tenant: row.tenant, mfaRequired: row.mfa_required };
  }

  /** Inserts or replaces a tenant's policy. */
  async setTenantPolicy(policy: TenantPolicy): Promise<void> {
    await this.#db.run(
      `INSERT INTO tenant_policies (tenant, mfa_required) VALUES ($1, $2)
      ON CONFLICT (tenant) DO UPDATE SET mfa_required = excluded.mfa_required`,
      [policy.tenant, policy.mfaRequired],
    );
  }

  /** The user's enrolment. */
  async findEnrolment(userId: string): Promise<TotpEnrolment | undefined> {
    const [row] = await this.#db.rows<TotpEnrolmentRow>(
      'SELECT user_id, sealed_secret, enrolled_at, last_used_step FROM totp_enrolments WHERE user_id = $1',
      [userId],
    );
    return row === undefined ? undefined : totpEnrolmentFromRow(row);
  }

  /**
   * Enrolment and codes in one transaction; false (nothing written) if one exists. A concurrent
   * enrolment of the same user waits on the primary key, then does nothing.
   */
  enrol(enrolment: TotpEnrolment, codeHashes: readonly string[]): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO totp_enrolments (user_id, sealed_secret, enrolled_at, last_used_step)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (user_id) DO NOTHING`,
        [enrolment.userId, enrolment.sealedSecret, enrolment.enrolledAt, enrolment.lastUsedStep],
      );
      if (inserted !== 1) return false;
      await tx.run(
        `INSERT INTO totp_recovery_codes (user_id, code_hash)
        SELECT $1, code_hash FROM unnest($2::text[]) AS code_hash
        ON CONFLICT DO NOTHING`,
        [enrolment.userId, codeHashes],
      );
      return true;
    });
  }

  /** Moves `last_used_step` forward to `step`; false when it is not later (replay) or no enrolment. */
  async useStep(userId: string, step: number, at: number): Promise<boolean> {
    const changed = await this.#db.run(
      `UPDATE totp_enrolments SET last_used_step = $2, last_used_at = $3
      WHERE user_id = $1 AND last_used_step < $2`,
      [userId, step, at],
    );
    return changed === 1;
  }

  /** Marks an unused code used; false when unknown or used. */
  async useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean> {
    const changed = await this.#db.run(
      `UPDATE totp_recovery_codes SET used_at = $3
      WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
      [userId, codeHash, at],
    );
    return changed === 1;
  }

  /** Unused codes left. */
  async countRecoveryCodes(userId: string): Promise<number> {
    const [row] = await this.#db.rows<{ unused: number }>(
      'SELECT count(*) AS unused FROM totp_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
      [userId],
    );
    return row?.unused ?? 0;
  }

  /** Deletes the enrolment, its codes with it (ON DELETE CASCADE); false when there was none. */
  async deleteEnrolment(userId: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM totp_enrolments WHERE user_id = $1', [userId])) === 1;
  }
}
