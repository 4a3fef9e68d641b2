/**
 * Refresh tokens in SQLite: rotation with reuse detection in one immediate transaction, grant and
 * family revocation in one statement each.
 */
import type Database from 'better-sqlite3';
import type { RefreshTokenRecord, RotationResult } from '../store.js';
import { newRefreshTokenParams, refreshTokenFromRow, type Params, type RefreshTokenRow } from './rows.js';

/** Rows deleted per statement by {@link SqliteRefreshTokens.purgeExpired}. */
const PURGE_BATCH = 500;

/** A refresh token about to be stored. */
type NewRefreshToken = Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>;

/** Builds the successor of a rotated token. */
type NextToken = (previous: RefreshTokenRecord) => NewRefreshToken;

/** The `refresh_tokens` table. */
export class SqliteRefreshTokens {
  readonly #insert: Database.Statement<Params>;
  readonly #byHash: Database.Statement<[string], RefreshTokenRow>;
  readonly #markRotated: Database.Statement<Params, RefreshTokenRow>;
  readonly #revokeFamily: Database.Statement<Params>;
  readonly #revokeGrant: Database.Transaction<(grantId: string, at: number) => number>;
  readonly #purge: Database.Statement<Params>;
  readonly #rotate: Database.Transaction<(oldHash: string, next: NextToken, at: number) => RotationResult>;

  /** Prepares every statement once. */
  constructor(db: Database.Database) {
    this.#insert = db.prepare<Params>(`
      INSERT INTO refresh_tokens (token_hash, family_id, grant_id, client_id, tenant, subject, scope,
        created_at, expires_at, dpop_jkt)
      VALUES (@tokenHash, @familyId, @grantId, @clientId, @tenant, @subject, @scope,
        @createdAt, @expiresAt, @dpopJkt)`);
    this.#byHash = db.prepare<[string], RefreshTokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = ?');
    // A token of a revoked approval (one created while the revocation ran) never rotates.
    this.#markRotated = db.prepare<Params, RefreshTokenRow>(`
      UPDATE refresh_tokens SET rotated_at = @at
      WHERE token_hash = @hash AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > @at
        AND NOT EXISTS (SELECT 1 FROM approvals
          WHERE approvals.grant_id = refresh_tokens.grant_id AND approvals.revoked_at IS NOT NULL)
      RETURNING *`);
    // Tokens already revoked keep their first revocation time.
    this.#revokeFamily = db.prepare<Params>(
      'UPDATE refresh_tokens SET revoked_at = @at WHERE family_id = @familyId AND revoked_at IS NULL',
    );
    const revokeGrantTokens = db.prepare<Params>(
      'UPDATE refresh_tokens SET revoked_at = @at WHERE grant_id = @grantId AND revoked_at IS NULL',
    );
    // The grant's approval too (migration 5): its access tokens (`sid`) are refused from then on.
    const revokeGrantApproval = db.prepare<Params>(
      'UPDATE approvals SET revoked_at = @at WHERE grant_id = @grantId AND revoked_at IS NULL',
    );
    this.#revokeGrant = db.transaction((grantId: string, at: number): number => {
      revokeGrantApproval.run({ grantId, at });
      return revokeGrantTokens.run({ grantId, at }).changes;
    });
    this.#purge = db.prepare<Params>(`
      DELETE FROM refresh_tokens WHERE rowid IN (
        SELECT rowid FROM refresh_tokens WHERE expires_at <= @before LIMIT @limit)`);
    this.#rotate = db.transaction((oldHash: string, next: NextToken, at: number): RotationResult => {
      const rotated = this.#markRotated.get({ hash: oldHash, at });
      if (rotated !== undefined) {
        const previous = refreshTokenFromRow(rotated);
        const successor = next(previous);
        if (successor.familyId !== previous.familyId) {
          throw new Error('a rotated refresh token must stay in the family of the one it replaces');
        }
        this.#insert.run(newRefreshTokenParams(successor));
        return { kind: 'rotated', previous };
      }
      const row = this.#byHash.get(oldHash);
      if (row === undefined) return { kind: 'unknown' };
      if (row.rotated_at !== null || row.revoked_at !== null) {
        this.#revokeFamily.run({ familyId: row.family_id, at });
        return { kind: 'reused', familyId: row.family_id };
      }
      // Live but expired (it simply ran out, which says nothing about theft), or of a revoked approval.
      return { kind: 'unknown' };
    });
  }

  /** Stores a new, live token. */
  create(record: NewRefreshToken): void {
    this.#insert.run(newRefreshTokenParams(record));
  }

  /**
   * Rotation in one immediate transaction (the write lock is taken first, so a second
   * connection waits instead of reading a stale row):
   * - live `oldHash` → marked rotated at `at`, `next(previous)` stored → `rotated`, with
   *   `previous` as now stored (`rotatedAt` = `at`). `next` must keep `previous.familyId`;
   *   if it throws, nothing changes;
   * - rotated or revoked (whether expired or not) → its family revoked → `reused`;
   * - unknown (never stored, or purged), or not rotated but expired at `at`, or of a revoked
   *   approval → `unknown`.
   */
  rotate(oldHash: string, next: NextToken, at: number): RotationResult {
    return this.#rotate.immediate(oldHash, next, at);
  }

  /** The token with this hash, in whatever state. */
  find(tokenHash: string): RefreshTokenRecord | undefined {
    const row = this.#byHash.get(tokenHash);
    return row === undefined ? undefined : refreshTokenFromRow(row);
  }

  /**
   * Revokes every not yet revoked token of a grant, and the grant's approval (so its access tokens
   * are refused), in one immediate transaction; returns how many tokens.
   */
  revokeGrant(grantId: string, at: number): number {
    return this.#revokeGrant.immediate(grantId, at);
  }

  /** Revokes every not yet revoked token of a family; returns how many. */
  revokeFamily(familyId: string, at: number): number {
    return this.#revokeFamily.run({ familyId, at }).changes;
  }

  /** Deletes tokens expired at `before`, in batches (each its own statement); returns how many. */
  purgeExpired(before: number): number {
    let total = 0;
    for (;;) {
      const { changes } = this.#purge.run({ before, limit: PURGE_BATCH });
      total += changes;
      if (changes < PURGE_BATCH) return total;
    }
  }
}
