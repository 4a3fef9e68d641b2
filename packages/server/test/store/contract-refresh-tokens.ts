/**
 * Store contract, refresh tokens: rotation, reuse detection revoking the family, expiry, grant
 * and family revocation, and rotation races.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RefreshTokenRecord, Store } from '../../src/store/store.js';
import {
  newRefreshToken,
  secondInstance,
  successorOf,
  T0,
  type CurrentFixture,
  type NewRefreshToken,
} from './contract-fixtures.js';

/** Rotates `hash` at `at`, expecting success; returns the successor as created. */
async function rotateOk(store: Store, hash: string, at: number): Promise<NewRefreshToken> {
  let created: NewRefreshToken | undefined;
  const result = await store.rotateRefreshToken(hash, (previous) => (created = successorOf(previous, at)), at);
  expect(result.kind).toBe('rotated');
  if (created === undefined) throw new Error('next() was not called');
  return created;
}

/** Registers the refresh token part of the contract. */
export function refreshTokenContract(fixture: CurrentFixture): void {
  describe('refresh tokens', () => {
    it('stores a live token, found by hash', async () => {
      const { store } = fixture();
      const token = newRefreshToken();
      await store.createRefreshToken(token);
      const expected: RefreshTokenRecord = { ...token, rotatedAt: undefined, revokedAt: undefined };
      expect(await store.findRefreshToken(token.tokenHash)).toStrictEqual(expected);
      expect(await store.findRefreshToken(`${token.tokenHash}x`)).toBeUndefined();
    });

    it('stores the DPoP key binding of a token and hands it to the rotation', async () => {
      const { store } = fixture();
      const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
      const token = { ...newRefreshToken(), dpopJkt: jkt };
      await store.createRefreshToken(token);
      expect(await store.findRefreshToken(token.tokenHash)).toStrictEqual({
        ...token,
        rotatedAt: undefined,
        revokedAt: undefined,
      });
      let next: NewRefreshToken | undefined;
      const result = await store.rotateRefreshToken(
        token.tokenHash,
        (previous) => (next = { ...successorOf(previous, T0 + 1000), dpopJkt: previous.dpopJkt ?? '' }),
        T0 + 1000,
      );
      expect(result.kind).toBe('rotated');
      expect((await store.findRefreshToken(next!.tokenHash))?.dpopJkt).toBe(jkt);
      const bearer = newRefreshToken();
      await store.createRefreshToken(bearer);
      expect(Object.keys((await store.findRefreshToken(bearer.tokenHash)) ?? {})).not.toContain('dpopJkt');
    });

    it('rotates a live token: old marked rotated, the new one stored in its family', async () => {
      const { store } = fixture();
      const token = newRefreshToken();
      await store.createRefreshToken(token);
      const seen: RefreshTokenRecord[] = [];
      let next: NewRefreshToken | undefined;
      const result = await store.rotateRefreshToken(
        token.tokenHash,
        (previous) => {
          seen.push(previous);
          return (next = successorOf(previous, T0 + 60_000));
        },
        T0 + 60_000,
      );
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ tokenHash: token.tokenHash, familyId: token.familyId, revokedAt: undefined });
      if (result.kind !== 'rotated') throw new Error(`expected rotated, got ${result.kind}`);
      expect(result.previous).toMatchObject({ ...token, rotatedAt: T0 + 60_000, revokedAt: undefined });
      expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({
        rotatedAt: T0 + 60_000,
        revokedAt: undefined,
      });
      expect(await store.findRefreshToken(next!.tokenHash)).toStrictEqual({
        ...next!,
        familyId: token.familyId,
        rotatedAt: undefined,
        revokedAt: undefined,
      });
    });

    it('a rotated token presented again is reuse: every token of the family is revoked', async () => {
      const { store } = fixture();
      const first = newRefreshToken();
      const bystander = newRefreshToken({ grantId: first.grantId });
      await store.createRefreshToken(first);
      await store.createRefreshToken(bystander);
      const second = await rotateOk(store, first.tokenHash, T0 + 1_000);
      const third = await rotateOk(store, second.tokenHash, T0 + 2_000);

      let called = false;
      const reuse = await store.rotateRefreshToken(
        first.tokenHash,
        (previous) => {
          called = true;
          return successorOf(previous, T0 + 3_000);
        },
        T0 + 3_000,
      );
      expect(reuse).toStrictEqual({ kind: 'reused', familyId: first.familyId });
      expect(called).toBe(false);
      for (const token of [first, second, third]) {
        expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: T0 + 3_000 });
      }
      expect(await store.findRefreshToken(bystander.tokenHash)).toMatchObject({ revokedAt: undefined });

      // The newest token of the revoked family is dead too, and presenting it is reuse again.
      expect(
        await store.rotateRefreshToken(third.tokenHash, (p) => successorOf(p, T0 + 4_000), T0 + 4_000),
      ).toStrictEqual({
        kind: 'reused',
        familyId: first.familyId,
      });
      expect(await store.findRefreshToken(third.tokenHash)).toMatchObject({ revokedAt: T0 + 3_000 });
    });

    it('a token revoked with its family is reuse when presented', async () => {
      const { store } = fixture();
      const token = newRefreshToken();
      await store.createRefreshToken(token);
      expect(await store.revokeFamily(token.familyId, T0 + 5)).toBe(1);
      expect(await store.rotateRefreshToken(token.tokenHash, (p) => successorOf(p, T0 + 10), T0 + 10)).toStrictEqual({
        kind: 'reused',
        familyId: token.familyId,
      });
    });

    it('an unknown token, or a live one at or after expiry, is unknown and revokes nothing', async () => {
      const { store } = fixture();
      const token = newRefreshToken();
      await store.createRefreshToken(token);
      let called = false;
      const next = (previous: RefreshTokenRecord): NewRefreshToken => {
        called = true;
        return successorOf(previous, token.expiresAt);
      };
      expect(await store.rotateRefreshToken(`${token.tokenHash}x`, next, T0)).toStrictEqual({ kind: 'unknown' });
      expect(await store.rotateRefreshToken(token.tokenHash, next, token.expiresAt)).toStrictEqual({ kind: 'unknown' });
      expect(called).toBe(false);
      expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({
        rotatedAt: undefined,
        revokedAt: undefined,
      });
    });

    it('a failing next() leaves the old token live', async () => {
      const { store } = fixture();
      const token = newRefreshToken();
      await store.createRefreshToken(token);
      await expect(
        store.rotateRefreshToken(
          token.tokenHash,
          () => {
            throw new Error('signing failed');
          },
          T0 + 1,
        ),
      ).rejects.toThrow('signing failed');
      expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({
        rotatedAt: undefined,
        revokedAt: undefined,
      });
      await rotateOk(store, token.tokenHash, T0 + 2);
    });

    it('revokeGrant revokes every family of the grant and returns the count', async () => {
      const { store } = fixture();
      const grantId = randomUUID();
      const a = newRefreshToken({ grantId });
      const b = newRefreshToken({ grantId });
      const other = newRefreshToken();
      for (const token of [a, b, other]) await store.createRefreshToken(token);
      const a2 = await rotateOk(store, a.tokenHash, T0 + 1_000);
      expect(await store.revokeGrant(grantId, T0 + 2_000)).toBe(3);
      for (const token of [a, a2, b]) {
        expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: T0 + 2_000 });
      }
      expect(await store.findRefreshToken(other.tokenHash)).toMatchObject({ revokedAt: undefined });
      expect(await store.revokeGrant(grantId, T0 + 3_000)).toBe(0);
      expect(await store.findRefreshToken(a.tokenHash)).toMatchObject({ revokedAt: T0 + 2_000 });
      expect(await store.revokeGrant(randomUUID(), T0)).toBe(0);
    });

    it('revokeFamily revokes only that family and returns the count', async () => {
      const { store } = fixture();
      const grantId = randomUUID();
      const a = newRefreshToken({ grantId });
      const b = newRefreshToken({ grantId });
      await store.createRefreshToken(a);
      await store.createRefreshToken(b);
      const a2 = await rotateOk(store, a.tokenHash, T0 + 1_000);
      expect(await store.revokeFamily(a.familyId, T0 + 2_000)).toBe(2);
      expect(await store.findRefreshToken(a2.tokenHash)).toMatchObject({ revokedAt: T0 + 2_000 });
      expect(await store.findRefreshToken(b.tokenHash)).toMatchObject({ revokedAt: undefined });
      expect(await store.revokeFamily(a.familyId, T0 + 3_000)).toBe(0);
    });

    it('concurrent rotations of one token: one rotates, the other is reuse and kills the family', async () => {
      const { store } = fixture();
      const token = newRefreshToken();
      await store.createRefreshToken(token);
      const results = await Promise.all(
        [1, 2].map((i) => store.rotateRefreshToken(token.tokenHash, (p) => successorOf(p, T0 + i), T0 + 10)),
      );
      expect(results.map((result) => result.kind).sort()).toStrictEqual(['reused', 'rotated']);
      expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: T0 + 10 });
    });

    it('two store instances rotating one token: exactly one rotation', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      const token = newRefreshToken();
      await store.createRefreshToken(token);
      const results = await Promise.all(
        [store, other, store, other].map((s, i) =>
          s.rotateRefreshToken(token.tokenHash, (p) => successorOf(p, T0 + i), T0 + 10),
        ),
      );
      expect(results.filter((result) => result.kind === 'rotated')).toHaveLength(1);
      expect(results.filter((result) => result.kind === 'reused')).toHaveLength(3);
      expect(await other.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: T0 + 10 });
    });
  });
}
