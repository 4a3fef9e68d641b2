/**
 * Approvals and token revocation in PostgreSQL (migration 5), with the SQLite store's semantics
 * (one contract suite). Revocations are one transaction each that locks a code's row before its
 * approval's, as approval and redemption do (device-codes.ts), so they never deadlock with them.
 *
 * Under READ COMMITTED a statement does not see rows inserted by transactions that commit while
 * it runs: a refresh token rotated while a revocation's `UPDATE … WHERE grant_id` (or `subject`)
 * waits for the old token's row lock would leave its successor live. So the revoking `UPDATE`
 * runs twice: the second statement, with a fresh snapshot, sees every successor committed while
 * the first waited, and later rotations wait for the revocation and then find the token revoked.
 */
import type {
  AccessTokenState,
  ApprovalQuery,
  ApprovalRecord,
  ApprovalRevocation,
  UserTokensRevocation,
} from '../store.js';
import { deleteInBatches, type PgDatabase, type Queryable, type SqlValue } from './database.js';
import { approvalFromRow, hasNul, type ApprovalRow } from './rows.js';

/** Revokes the live refresh tokens `column = value`, twice (see the module comment); how many. */
async function revokeTokens(tx: Queryable, column: 'grant_id' | 'subject', value: string, at: number): Promise<number> {
  const statement = `UPDATE refresh_tokens SET revoked_at = $2 WHERE ${column} = $1 AND revoked_at IS NULL`;
  const first = await tx.run(statement, [value, at]);
  return first + (await tx.run(statement, [value, at]));
}

/** The `approvals` and `user_token_revocations` tables. */
export class PgApprovals {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** Approvals matching `query`, newest first. */
  async list(query: ApprovalQuery): Promise<ApprovalRecord[]> {
    const texts = [query.tenant, query.subject, query.clientId].filter((v): v is string => v !== undefined);
    if (hasNul(...texts)) return [];
    const values: SqlValue[] = [
      query.tenant ?? null,
      query.subject ?? null,
      query.clientId ?? null,
      query.since ?? null,
      query.limit,
    ];
    const rows = await this.#db.rows<ApprovalRow>(
      `SELECT * FROM approvals
      WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR subject = $2)
        AND ($3::text IS NULL OR client_id = $3) AND ($4::bigint IS NULL OR approved_at >= $4)
      ORDER BY approved_at DESC, id DESC
      LIMIT $5`,
      values,
    );
    return rows.map(approvalFromRow);
  }

  /** The approval of a device code id. */
  async find(id: string): Promise<ApprovalRecord | undefined> {
    if (hasNul(id)) return undefined;
    const [row] = await this.#db.rows<ApprovalRow>('SELECT * FROM approvals WHERE id = $1', [id]);
    return row === undefined ? undefined : approvalFromRow(row);
  }

  /** The most recent approval of a user code hash. */
  async findLatestByUserCode(userCodeHash: string): Promise<ApprovalRecord | undefined> {
    if (hasNul(userCodeHash)) return undefined;
    const [row] = await this.#db.rows<ApprovalRow>(
      'SELECT * FROM approvals WHERE user_code_hash = $1 ORDER BY approved_at DESC, id DESC LIMIT 1',
      [userCodeHash],
    );
    return row === undefined ? undefined : approvalFromRow(row);
  }

  /** See `Store.revokeApproval`: one transaction (code row, then approval row, then tokens). */
  revoke(id: string, at: number): Promise<ApprovalRevocation | undefined> {
    if (hasNul(id)) return Promise.resolve(undefined);
    return this.#db.transaction(async (tx): Promise<ApprovalRevocation | undefined> => {
      const codeCancelled =
        (await tx.run(
          `UPDATE device_codes SET status = 'denied'
          WHERE id = $1 AND status = 'approved' AND EXISTS (SELECT 1 FROM approvals WHERE id = $1)`,
          [id],
        )) === 1;
      const [revoked] = await tx.rows<ApprovalRow>(
        'UPDATE approvals SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING *',
        [id, at],
      );
      const [row] =
        revoked === undefined ? await tx.rows<ApprovalRow>('SELECT * FROM approvals WHERE id = $1', [id]) : [revoked];
      if (row === undefined) return undefined;
      const refreshTokensRevoked = row.grant_id === null ? 0 : await revokeTokens(tx, 'grant_id', row.grant_id, at);
      return {
        approval: approvalFromRow(row),
        newlyRevoked: revoked !== undefined,
        refreshTokensRevoked,
        codeCancelled,
      };
    });
  }

  /** See `Store.revokeUserTokens`: one transaction. */
  revokeUser(subject: string, at: number, refresh: boolean): Promise<UserTokensRevocation> {
    return this.#db.transaction(async (tx): Promise<UserTokensRevocation> => {
      const [stored] = await tx.rows<{ valid_after: number }>(
        `INSERT INTO user_token_revocations (subject, valid_after, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (subject) DO UPDATE
          SET valid_after = GREATEST(user_token_revocations.valid_after + 1, EXCLUDED.valid_after),
            updated_at = EXCLUDED.updated_at
        RETURNING valid_after`,
        [subject, Math.floor(at / 1000), at],
      );
      const validAfter = stored!.valid_after;
      if (!refresh) return { validAfter, refreshTokensRevoked: 0, codesCancelled: 0 };
      const refreshTokensRevoked = await revokeTokens(tx, 'subject', subject, at);
      const cancelled = await tx.rows<{ id: string }>(
        "UPDATE device_codes SET status = 'denied' WHERE subject = $1 AND status = 'approved' RETURNING id",
        [subject],
      );
      if (cancelled.length > 0) {
        await tx.run('UPDATE approvals SET revoked_at = $2 WHERE id = ANY ($1) AND revoked_at IS NULL', [
          cancelled.map((row) => row.id),
          at,
        ]);
      }
      // Every approval of the user: tokens minted while this ran (a redemption or refresh in
      // flight) die by their `sid`, and their refresh tokens never rotate.
      await tx.run('UPDATE approvals SET revoked_at = $2 WHERE subject = $1 AND revoked_at IS NULL', [subject, at]);
      return { validAfter, refreshTokensRevoked, codesCancelled: cancelled.length };
    });
  }

  /** See `Store.accessTokenState`: one statement. */
  async state(grantId: string | undefined, subject: string): Promise<AccessTokenState> {
    const [row] = await this.#db.rows<{ grant_revoked: boolean; valid_after: number | null }>(
      `SELECT
        EXISTS (SELECT 1 FROM approvals WHERE grant_id = $1::text AND revoked_at IS NOT NULL) AS grant_revoked,
        (SELECT valid_after FROM user_token_revocations WHERE subject = $2::text) AS valid_after`,
      [grantId === undefined || hasNul(grantId) ? null : grantId, hasNul(subject) ? '' : subject],
    );
    return { grantRevoked: row?.grant_revoked === true, validAfter: row?.valid_after ?? undefined };
  }

  /** Deletes approvals approved before `before`, in batches; returns how many. */
  purgeBefore(before: number): Promise<number> {
    return deleteInBatches(
      this.#db,
      `DELETE FROM approvals WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM approvals WHERE approved_at < $1 LIMIT $2))`,
      before,
    );
  }
}
