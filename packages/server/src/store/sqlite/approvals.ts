/**
 * Approvals and token revocation in SQLite (migration 5): listing and lookups of the approval
 * records that approve/consume write (device-codes.ts), revocation of one approval or of a
 * user's tokens in one immediate transaction each, and the one-query state check of access
 * tokens. Every statement is prepared once.
 */
import type Database from 'better-sqlite3';
import type {
  AccessTokenState,
  ApprovalQuery,
  ApprovalRecord,
  ApprovalRevocation,
  UserTokensRevocation,
} from '../store.js';
import { approvalFromRow, type ApprovalRow, type Params } from './rows.js';

/** Rows deleted per statement by {@link SqliteApprovals.purgeBefore}. */
const PURGE_BATCH = 500;

/** The `approvals` and `user_token_revocations` tables. */
export class SqliteApprovals {
  readonly #list: Database.Statement<Params, ApprovalRow>;
  readonly #byId: Database.Statement<[string], ApprovalRow>;
  readonly #latestByUserCode: Database.Statement<[string], ApprovalRow>;
  readonly #state: Database.Statement<Params, { grant_revoked: number; valid_after: number | null }>;
  readonly #purge: Database.Statement<Params>;
  readonly #revoke: Database.Transaction<(id: string, at: number) => ApprovalRevocation | undefined>;
  readonly #revokeUser: Database.Transaction<(subject: string, at: number, refresh: boolean) => UserTokensRevocation>;

  /** Prepares every statement once. */
  constructor(db: Database.Database) {
    this.#list = db.prepare<Params, ApprovalRow>(`
      SELECT * FROM approvals
      WHERE (@tenant IS NULL OR tenant = @tenant) AND (@subject IS NULL OR subject = @subject)
        AND (@clientId IS NULL OR client_id = @clientId) AND (@since IS NULL OR approved_at >= @since)
      ORDER BY approved_at DESC, id DESC
      LIMIT @limit`);
    this.#byId = db.prepare<[string], ApprovalRow>('SELECT * FROM approvals WHERE id = ?');
    this.#latestByUserCode = db.prepare<[string], ApprovalRow>(
      'SELECT * FROM approvals WHERE user_code_hash = ? ORDER BY approved_at DESC, id DESC LIMIT 1',
    );
    this.#state = db.prepare<Params, { grant_revoked: number; valid_after: number | null }>(`
      SELECT
        EXISTS (SELECT 1 FROM approvals WHERE grant_id = @grantId AND revoked_at IS NOT NULL) AS grant_revoked,
        (SELECT valid_after FROM user_token_revocations WHERE subject = @subject) AS valid_after`);
    this.#purge = db.prepare<Params>(`
      DELETE FROM approvals WHERE rowid IN (
        SELECT rowid FROM approvals WHERE approved_at < @before LIMIT @limit)`);

    // Revocation of one approval: the record, the code if still redeemable, the grant's tokens.
    const markRevoked = db.prepare<Params>(
      'UPDATE approvals SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL',
    );
    const cancelCode = db.prepare<Params>(
      "UPDATE device_codes SET status = 'denied' WHERE id = @id AND status = 'approved'",
    );
    const revokeGrant = db.prepare<Params>(
      'UPDATE refresh_tokens SET revoked_at = @at WHERE grant_id = @grantId AND revoked_at IS NULL',
    );
    this.#revoke = db.transaction((id: string, at: number): ApprovalRevocation | undefined => {
      const before = this.#byId.get(id);
      if (before === undefined) return undefined;
      const newlyRevoked = markRevoked.run({ id, at }).changes === 1;
      const codeCancelled = cancelCode.run({ id }).changes === 1;
      const refreshTokensRevoked =
        before.grant_id === null ? 0 : revokeGrant.run({ grantId: before.grant_id, at }).changes;
      const approval = approvalFromRow(this.#byId.get(id)!);
      return { approval, newlyRevoked, refreshTokensRevoked, codeCancelled };
    });

    // Revocation of a user's tokens: the valid-after time (moves forward at every revocation, by
    // at least one second: tokens are refused up to and including it, so a token minted in the
    // second of an earlier revocation dies with the next one), and with `refresh` every refresh
    // token, every approved code not redeemed yet, and every approval of the user (so tokens
    // minted while this ran — a redemption or refresh in flight — die by their `sid`).
    const setValidAfter = db.prepare<Params, { valid_after: number }>(`
      INSERT INTO user_token_revocations (subject, valid_after, updated_at) VALUES (@subject, @validAfter, @at)
      ON CONFLICT (subject) DO UPDATE SET valid_after = max(valid_after + 1, excluded.valid_after),
        updated_at = excluded.updated_at
      RETURNING valid_after`);
    const revokeSubject = db.prepare<Params>(
      'UPDATE refresh_tokens SET revoked_at = @at WHERE subject = @subject AND revoked_at IS NULL',
    );
    const cancelCodes = db.prepare<Params, { id: string }>(
      "UPDATE device_codes SET status = 'denied' WHERE subject = @subject AND status = 'approved' RETURNING id",
    );
    const revokeApprovalsOf = db.prepare<Params>(
      'UPDATE approvals SET revoked_at = @at WHERE subject = @subject AND revoked_at IS NULL',
    );
    this.#revokeUser = db.transaction((subject: string, at: number, refresh: boolean): UserTokensRevocation => {
      const { valid_after: validAfter } = setValidAfter.get({ subject, validAfter: Math.floor(at / 1000), at })!;
      if (!refresh) return { validAfter, refreshTokensRevoked: 0, codesCancelled: 0 };
      const refreshTokensRevoked = revokeSubject.run({ subject, at }).changes;
      const cancelled = cancelCodes.all({ subject });
      for (const { id } of cancelled) markRevoked.run({ id, at });
      revokeApprovalsOf.run({ subject, at });
      return { validAfter, refreshTokensRevoked, codesCancelled: cancelled.length };
    });
  }

  /** Approvals matching `query`, newest first. */
  list(query: ApprovalQuery): ApprovalRecord[] {
    return this.#list
      .all({
        tenant: query.tenant ?? null,
        subject: query.subject ?? null,
        clientId: query.clientId ?? null,
        since: query.since ?? null,
        limit: query.limit,
      })
      .map(approvalFromRow);
  }

  /** The approval of a device code id. */
  find(id: string): ApprovalRecord | undefined {
    const row = this.#byId.get(id);
    return row === undefined ? undefined : approvalFromRow(row);
  }

  /** The most recent approval of a user code hash. */
  findLatestByUserCode(userCodeHash: string): ApprovalRecord | undefined {
    const row = this.#latestByUserCode.get(userCodeHash);
    return row === undefined ? undefined : approvalFromRow(row);
  }

  /** See `Store.revokeApproval`: one immediate transaction. */
  revoke(id: string, at: number): ApprovalRevocation | undefined {
    return this.#revoke.immediate(id, at);
  }

  /** See `Store.revokeUserTokens`: one immediate transaction. */
  revokeUser(subject: string, at: number, refresh: boolean): UserTokensRevocation {
    return this.#revokeUser.immediate(subject, at, refresh);
  }

  /** See `Store.accessTokenState`: one statement. */
  state(grantId: string | undefined, subject: string): AccessTokenState {
    const row = this.#state.get({ grantId: grantId ?? null, subject })!;
    return { grantRevoked: row.grant_revoked === 1, validAfter: row.valid_after ?? undefined };
  }

  /** Deletes approvals approved before `before`, in batches; returns how many. */
  purgeBefore(before: number): number {
    let total = 0;
    for (;;) {
      const { changes } = this.#purge.run({ before, limit: PURGE_BATCH });
      total += changes;
      if (changes < PURGE_BATCH) return total;
    }
  }
}
