/**
 * MFA data in SQLite: tenant policies, TOTP enrolments and recovery codes. Every state change is
 * one conditional statement or one immediate transaction, so two browser tabs (or two server
 * processes on one file) racing with the same code see exactly one success.
 */
import type Database from 'better-sqlite3';
import type { TenantPolicy, TotpEnrolment } from '../store.js';
import type { Params } from './rows.js';

interface TenantPolicyRow {
  readonly tenant: string;
  readonly mfa_required: number;
}

interface TotpEnrolmentRow {
  readonly user_id: string;
  readonly sealed_secret: string;
  readonly enrolled_at: number;
  readonly last_used_step: number;
  readonly last_used_at: number | null;
}

/** The `tenant_policies`, `totp_enrolments` and `totp_recovery_codes` tables (migration 3). */
export class SqliteMfa {
  readonly #db: Database.Database;
  readonly #policy: Database.Statement<[string], TenantPolicyRow>;
  readonly #setPolicy: Database.Statement<Params>;
  readonly #enrolment: Database.Statement<[string], TotpEnrolmentRow>;
  readonly #enrol: Database.Statement<Params>;
  readonly #addCode: Database.Statement<Params>;
  readonly #useStep: Database.Statement<Params>;
  readonly #useCode: Database.Statement<Params>;
  readonly #countCodes: Database.Statement<[string], number>;
  readonly #deleteCodes: Database.Statement<[string]>;
  readonly #deleteEnrolment: Database.Statement<[string]>;

  /** Prepares every statement once. */
  constructor(db: Database.Database) {
    this.#db = db;
    this.#policy = db.prepare<[string], TenantPolicyRow>('SELECT * FROM tenant_policies WHERE tenant = ?');
    this.#setPolicy = db.prepare<Params>(`
      INSERT INTO tenant_policies (tenant, mfa_required) VALUES (@tenant, @mfaRequired)
      ON CONFLICT (tenant) DO UPDATE SET mfa_required = excluded.mfa_required`);
    this.#enrolment = db.prepare<[string], TotpEnrolmentRow>('SELECT * FROM totp_enrolments WHERE user_id = ?');
    // DO NOTHING: the first enrolment stays; the caller learns from `changes` whether it won.
    this.#enrol = db.prepare<Params>(`
      INSERT INTO totp_enrolments (user_id, sealed_secret, enrolled_at, last_used_step)
      VALUES (@userId, @sealedSecret, @enrolledAt, @lastUsedStep)
      ON CONFLICT (user_id) DO NOTHING`);
    this.#addCode = db.prepare<Params>(
      'INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES (@userId, @codeHash) ON CONFLICT DO NOTHING',
    );
    this.#useStep = db.prepare<Params>(`
      UPDATE totp_enrolments SET last_used_step = @step, last_used_at = @at
      WHERE user_id = @userId AND last_used_step < @step`);
    this.#useCode = db.prepare<Params>(`
      UPDATE totp_recovery_codes SET used_at = @at
      WHERE user_id = @userId AND code_hash = @codeHash AND used_at IS NULL`);
    this.#countCodes = db
      .prepare<[string], number>('SELECT count(*) FROM totp_recovery_codes WHERE user_id = ? AND used_at IS NULL')
      .pluck();
    this.#deleteCodes = db.prepare<[string]>('DELETE FROM totp_recovery_codes WHERE user_id = ?');
    this.#deleteEnrolment = db.prepare<[string]>('DELETE FROM totp_enrolments WHERE user_id = ?');
  }

  /** The tenant's policy, if one was set. */
  findTenantPolicy(tenant: string): TenantPolicy | undefined {
    const row = this.#policy.get(tenant);
    return row === undefined ? undefined : { tenant: row.tenant, mfaRequired: row.mfa_required !== 0 };
  }

  /** Inserts or replaces a tenant's policy. */
  setTenantPolicy(policy: TenantPolicy): void {
    this.#setPolicy.run({ tenant: policy.tenant, mfaRequired: policy.mfaRequired ? 1 : 0 });
  }

  /** The user's enrolment. */
  findEnrolment(userId: string): TotpEnrolment | undefined {
    const row = this.#enrolment.get(userId);
    return row === undefined
      ? undefined
      : {
          userId: row.user_id,
          sealedSecret: row.sealed_secret,
          enrolledAt: row.enrolled_at,
          lastUsedStep: row.last_used_step,
        };
  }

  /** Enrolment and codes in one immediate transaction; false (nothing written) if one exists. */
  enrol(enrolment: TotpEnrolment, codeHashes: readonly string[]): boolean {
    const run = this.#db.transaction((): boolean => {
      const { changes } = this.#enrol.run({
        userId: enrolment.userId,
        sealedSecret: enrolment.sealedSecret,
        enrolledAt: enrolment.enrolledAt,
        lastUsedStep: enrolment.lastUsedStep,
      });
      if (changes !== 1) return false;
      for (const codeHash of codeHashes) this.#addCode.run({ userId: enrolment.userId, codeHash });
      return true;
    });
    return run.immediate();
  }

  /** Moves `last_used_step` forward to `step`; false when it is not later (replay) or no enrolment. */
  useStep(userId: string, step: number, at: number): boolean {
    return this.#useStep.run({ userId, step, at }).changes === 1;
  }

  /** Marks an unused code used; false when unknown or used. */
  useRecoveryCode(userId: string, codeHash: string, at: number): boolean {
    return this.#useCode.run({ userId, codeHash, at }).changes === 1;
  }

  /** Unused codes left. */
  countRecoveryCodes(userId: string): number {
    return this.#countCodes.get(userId) ?? 0;
  }

  /** Deletes the enrolment and its codes; false when there was none. */
  deleteEnrolment(userId: string): boolean {
    const run = this.#db.transaction((): boolean => {
      this.#deleteCodes.run(userId);
      return this.#deleteEnrolment.run(userId).changes === 1;
    });
    return run.immediate();
  }
}
