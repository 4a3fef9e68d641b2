/**
 * Refresh tokens in PostgreSQL: rotation with reuse detection in one transaction that starts with
 * the conditional `UPDATE` (so it holds the old token's row lock before anything else: a racing
 * rotation waits, then finds the token rotated and revokes the family), grant and family
 * revocation in one statement each.
 */
import type { RefreshTokenRecord, RotationResult } from '../store.js';
import { deleteInBatches, type PgDatabase, type Queryable } from './database.js';
import { refreshTokenFromRow, type RefreshTokenRow } from './rows.js';

/** A refresh token about to be stored. */
type NewRefreshToken = Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>;

/** Builds the successor of a rotated token. */
type NextToken = (previous: RefreshTokenRecord) => NewRefreshToken;

const INSERT = `
  INSERT INTO refresh_tokens (token_hash, family_id, grant_id, client_id, tenant, subject, scope,
    created_at, expires_at, dpop_jkt)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

// Tokens already revoked keep their first revocation time.
const REVOKE_FAMILY = 'UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL';

function insert(sql: Queryable, token: NewRefreshToken): Promise<number> {
  return sql.run(INSERT, [
    token.tokenHash,
    token.familyId,
    token.grantId,
    token.clientId,
    token.tenant,
    token.subject,
    token.scope,
    token.createdAt,
    token.expiresAt,
    token.dpopJkt ?? null,
  ]);
}

/** The `refresh_tokens` table. */
export class PgRefreshTokens {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** Stores a new, live token. */
  async create(record: NewRefreshToken): Promise<void> {
    await insert(this.#db, record);
  }

  /**
   * Rotation in one transaction:
   * - live `oldHash` → marked rotated at `at`, `next(previous)` stored → `rotated`, with
   *   `previous` as now stored (`rotatedAt` = `at`). `next` must keep `previous.familyId`; if it
   *   throws, nothing changes;
   * - rotated or revoked (whether expired or not) → its family revoked → `reused`;
   * - unknown (never stored, or purged), or not rotated but expired at `at`, or of a revoked
   *   approval → `unknown`.
   */
  rotate(oldHash: string, next: NextToken, at: number): Promise<RotationResult> {
    return this.#db.transaction(async (tx): Promise<RotationResult> => {
      // A token of a revoked approval (one created while the revocation ran) never rotates.
      const [rotated] = await tx.rows<RefreshTokenRow>(
        `UPDATE refresh_tokens SET rotated_at = $2
        WHERE token_hash = $1 AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > $2
          AND NOT EXISTS (SELECT 1 FROM approvals
            WHERE approvals.grant_id = refresh_tokens.grant_id AND approvals.revoked_at IS NOT NULL)
        RETURNING *`,
        [oldHash, at],
      );
      if (rotated !== undefined) {
        const previous = refreshTokenFromRow(rotated);
        const successor = next(previous);
        if (successor.familyId !== previous.familyId) {
          throw new Error('a rotated refresh token must stay in the family of the one it replaces');
        }
        await insert(tx, successor);
        return { kind: 'rotated', previous };
      }
      const [row] = await tx.rows<RefreshTokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = $1', [oldHash]);
      if (row === undefined) return { kind: 'unknown' };
      if (row.rotated_at !== null || row.revoked_at !== null) {
        await tx.run(REVOKE_FAMILY, [row.family_id, at]);
        return { kind: 'reused', familyId: row.family_id };
      }
      // Live but expired (it simply ran out, which says nothing about theft), or of a revoked approval.
      return { kind: 'unknown' };
    });
  }

  /** The token with this hash, in whatever state. */
  async find(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const [row] = await this.#db.rows<RefreshTokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = $1', [
      tokenHash,
    ]);
    return row === undefined ? undefined : refreshTokenFromRow(row);
  }

  /**
   * Revokes every not yet revoked token of a grant, and the grant's approval (so its access tokens
   * are refused; a token rotated meanwhile never rotates again), in one statement; returns how
   * many tokens.
   */
  revokeGrant(grantId: string, at: number): Promise<number> {
    return this.#db.run(
      `WITH approval AS (
        UPDATE approvals SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL)
      UPDATE refresh_tokens SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL`,
      [grantId, at],
    );
  }

  /** Revokes every not yet revoked token of a family; returns how many. */
  revokeFamily(familyId: string, at: number): Promise<number> {
    return this.#db.run(REVOKE_FAMILY, [familyId, at]);
  }

  /** Deletes tokens expired at `before`, in batches; returns how many. */
  purgeExpired(before: number): Promise<number> {
    return deleteInBatches(
      this.#db,
      `DELETE FROM refresh_tokens WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM refresh_tokens WHERE expires_at <= $1 LIMIT $2))`,
      before,
    );
  }
}
