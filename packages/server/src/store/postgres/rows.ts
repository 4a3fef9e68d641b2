/**
 * Row → record mapping for the PostgreSQL store. Rows are what `SELECT *` returns through the
 * store's pool: snake_case columns, `null` for absent values, real booleans, and `bigint` columns
 * already parsed as numbers (database.ts). The tables both stores share map in ../row-records.ts.
 */
import type { TotpEnrolment } from '../store.js';

export {
  approvalFromRow,
  clientFromRow,
  deviceCodeFromRow,
  refreshTokenFromRow,
  signingKeyFromRow,
  userFromRow,
  type ApprovalRow,
  type ClientRow,
  type DeviceCodeRow,
  type RefreshTokenRow,
  type SigningKeyRow,
  type UserRow,
} from '../row-records.js';

/** A `totp_enrolments` row. */
export interface TotpEnrolmentRow {
  readonly user_id: string;
  readonly sealed_secret: string;
  readonly enrolled_at: number;
  readonly last_used_step: number;
}

/** `totp_enrolments` row → record. */
export function totpEnrolmentFromRow(row: TotpEnrolmentRow): TotpEnrolment {
  return {
    userId: row.user_id,
    sealedSecret: row.sealed_secret,
    enrolledAt: row.enrolled_at,
    lastUsedStep: row.last_used_step,
  };
}

/**
 * Does a text parameter hold a NUL character? PostgreSQL `text` cannot (the query would fail),
 * so nothing stored has one: a lookup by such a key finds nothing without asking.
 */
export function hasNul(...values: readonly string[]): boolean {
  return values.some((value) => value.includes('\u0000'));
}
