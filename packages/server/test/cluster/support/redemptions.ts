/**
 * What the database says about device codes and the tokens issued from them, read with `pg`
 * directly (not through a server instance): how many times each code was redeemed, and where a
 * code was requested from.
 */
import { Client } from 'pg';

/** One device code and the refresh tokens of its grant. */
export interface Redemption {
  readonly status: string;
  /** The grant recorded when the code was consumed; null while it is not. */
  readonly grantId: string | null;
  /** Refresh tokens issued under that grant. */
  readonly refreshTokens: number;
  /** Of those, revoked ones (a replayed code revokes its grant). */
  readonly revoked: number;
}

/** Every device code of the database with its redemption, oldest first. */
export async function redemptions(databaseUrl: string): Promise<Redemption[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      status: string;
      grant_id: string | null;
      tokens: string;
      revoked: string;
    }>(
      `SELECT d.status, d.grant_id,
          (SELECT count(*) FROM refresh_tokens r WHERE r.grant_id = d.grant_id) AS tokens,
          (SELECT count(*) FROM refresh_tokens r WHERE r.grant_id = d.grant_id AND r.revoked_at IS NOT NULL) AS revoked
        FROM device_codes d ORDER BY d.created_at, d.id`,
    );
    return rows.map((row) => ({
      status: row.status,
      grantId: row.grant_id,
      refreshTokens: Number(row.tokens),
      revoked: Number(row.revoked),
    }));
  } finally {
    await client.end();
  }
}

/**
 * The `request_ip` recorded for the device code of `userCodeHash` (the address the server
 * attributed the device authorization request to), or undefined when there is no such code.
 */
export async function requestIpOf(databaseUrl: string, userCodeHash: string): Promise<string | undefined> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ request_ip: string }>(
      'SELECT request_ip FROM device_codes WHERE user_code_hash = $1',
      [userCodeHash],
    );
    return rows[0]?.request_ip;
  } finally {
    await client.end();
  }
}
