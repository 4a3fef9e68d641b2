/**
 * Store contract, detect and remediate (migration 5): the approval record written with the
 * approval and linked at redemption, listing and lookups, revocation of one approval (its
 * grant's refresh tokens, its code if not redeemed yet) and of a user's tokens (valid-after,
 * refresh tokens), the access-token state read, retention, and the races that matter: revocation
 * against redemption and against rotation, approval against approval.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord, NewDeviceCode, Store } from '../../src/store/store.js';
import {
  APPROVER,
  newDeviceCode,
  newRefreshToken,
  secondInstance,
  successorOf,
  T0,
  type CurrentFixture,
  type NewRefreshToken,
} from './contract-fixtures.js';

/** A code created, then approved by `subject` at `at`. */
async function approved(
  store: Store,
  subject = 'user-1',
  at = T0 + 1_000,
  overrides: Partial<NewDeviceCode> = {},
): Promise<NewDeviceCode> {
  const code = newDeviceCode(overrides);
  expect(await store.createDeviceCode(code)).toBe(true);
  expect(await store.approveDeviceCode(code.id, subject, 'openid offline_access', at, APPROVER)).toBe(true);
  return code;
}

/** A code approved and redeemed for a new grant at `T0 + 2_000`, with one refresh token of it. */
async function redeemed(store: Store, subject = 'user-1') {
  const code = await approved(store, subject);
  const grantId = randomUUID();
  expect(await store.consumeDeviceCode(code.id, grantId, T0 + 2_000)).toBeDefined();
  const token = newRefreshToken({ grantId, subject, createdAt: T0 + 2_000 });
  await store.createRefreshToken(token);
  return { code, grantId, token };
}

/** Rotates `hash` at `at`, expecting success; returns the successor. */
async function rotated(store: Store, hash: string, at: number): Promise<NewRefreshToken> {
  let next: NewRefreshToken | undefined;
  const result = await store.rotateRefreshToken(hash, (previous) => (next = successorOf(previous, at)), at);
  expect(result.kind).toBe('rotated');
  return next!;
}

/** Registers the approvals and revocation part of the contract. */
export function approvalContract(fixture: CurrentFixture): void {
  describe('approvals and revocation', () => {
    it('approving writes the approval record (request and approver); redeeming links the grant', async () => {
      const { store } = fixture();
      const code = await approved(store, 'user-1', T0 + 1_000, {
        requestIp: '203.0.113.9',
        requestUserAgent: 'device/1.0',
      });
      const expected: ApprovalRecord = {
        id: code.id,
        tenant: code.tenant,
        clientId: code.clientId,
        subject: 'user-1',
        grantedScope: 'openid offline_access',
        userCodeHash: code.userCodeHash,
        requestIp: '203.0.113.9',
        requestUserAgent: 'device/1.0',
        requestedAt: code.createdAt,
        approveIp: APPROVER.ip,
        approveUserAgent: APPROVER.userAgent,
        approvedAt: T0 + 1_000,
        grantId: undefined,
        redeemedAt: undefined,
        revokedAt: undefined,
      };
      expect(await store.findApproval(code.id)).toStrictEqual(expected);
      expect(await store.findLatestApprovalByUserCode(code.userCodeHash)).toStrictEqual(expected);

      const grantId = randomUUID();
      expect(await store.consumeDeviceCode(code.id, grantId, T0 + 2_000)).toBeDefined();
      expect(await store.findApproval(code.id)).toStrictEqual({ ...expected, grantId, redeemedAt: T0 + 2_000 });
      // A second redemption changes nothing.
      expect(await store.consumeDeviceCode(code.id, randomUUID(), T0 + 3_000)).toBeUndefined();
      expect(await store.findApproval(code.id)).toMatchObject({ grantId, redeemedAt: T0 + 2_000 });
      expect(await store.findApproval(randomUUID())).toBeUndefined();
      expect(await store.findLatestApprovalByUserCode(`${code.userCodeHash}x`)).toBeUndefined();
    });

    it('a refused approval or a denial writes no approval record', async () => {
      const { store } = fixture();
      const code = newDeviceCode();
      await store.createDeviceCode(code);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', code.expiresAt, APPROVER)).toBe(false);
      expect(await store.findApproval(code.id)).toBeUndefined();
      expect(await store.denyDeviceCode(code.id, T0 + 1)).toBe(true);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', T0 + 2, APPROVER)).toBe(false);
      expect(await store.findApproval(code.id)).toBeUndefined();
      expect(await store.listApprovals({ limit: 10 })).toStrictEqual([]);
    });

    it('two instances approving one code: one approval, one record, the winner’s approver', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      const code = newDeviceCode();
      await store.createDeviceCode(code);
      const approvers = Array.from({ length: 8 }, (_, i) => ({ ip: `192.0.2.${i}`, userAgent: `ua-${i}` }));
      const results = await Promise.all(
        approvers.map((approver, i) =>
          (i % 2 === 0 ? store : other).approveDeviceCode(code.id, `user-${i}`, 'openid', T0 + 10, approver),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await other.listApprovals({ limit: 10 })).toStrictEqual([
        expect.objectContaining({ id: code.id, subject: `user-${winner}`, approveIp: `192.0.2.${winner}` }),
      ]);
    });

    it('the most recent approval of a user code is found after the code was reused', async () => {
      const { store } = fixture();
      const old = await approved(store);
      await store.purgeExpired(old.expiresAt);
      const again = await approved(store, 'user-2', old.expiresAt + 1_000, {
        userCodeHash: old.userCodeHash,
        createdAt: old.expiresAt,
        expiresAt: old.expiresAt + 900_000,
      });
      expect(await store.findLatestApprovalByUserCode(old.userCodeHash)).toMatchObject({ id: again.id });
      expect(await store.findApproval(old.id)).toMatchObject({ subject: 'user-1' });
    });

    it('lists newest first, filtered by tenant, subject, client and time, up to the limit', async () => {
      const { store } = fixture();
      const a = await approved(store, 'user-1', T0 + 1_000);
      const b = await approved(store, 'user-2', T0 + 2_000, { tenant: 'fabrikam' });
      const c = await approved(store, 'user-1', T0 + 3_000, { clientId: 'other' });
      const ids = (rows: readonly ApprovalRecord[]) => rows.map((row) => row.id);
      expect(ids(await store.listApprovals({ limit: 10 }))).toStrictEqual([c.id, b.id, a.id]);
      expect(ids(await store.listApprovals({ limit: 2 }))).toStrictEqual([c.id, b.id]);
      expect(ids(await store.listApprovals({ limit: 10, tenant: 'contoso' }))).toStrictEqual([c.id, a.id]);
      expect(ids(await store.listApprovals({ limit: 10, subject: 'user-1' }))).toStrictEqual([c.id, a.id]);
      expect(ids(await store.listApprovals({ limit: 10, clientId: 'cli' }))).toStrictEqual([b.id, a.id]);
      expect(ids(await store.listApprovals({ limit: 10, since: T0 + 2_000 }))).toStrictEqual([c.id, b.id]);
      expect(
        ids(await store.listApprovals({ limit: 10, tenant: 'contoso', subject: 'user-1', clientId: 'cli' })),
      ).toStrictEqual([a.id]);
      expect(await store.listApprovals({ limit: 10, tenant: 'nowhere' })).toStrictEqual([]);
    });

    it('approvals outlive their codes; purgeExpired deletes them only past the retention', async () => {
      const { store } = fixture();
      const old = await approved(store, 'user-1', T0 + 1_000);
      const recent = await approved(store, 'user-1', T0 + 5_000);
      const after = old.expiresAt + 1;
      expect(await store.purgeExpired(after)).toBe(2); // the two codes
      expect(await store.findDeviceCodeByHash(old.deviceCodeHash)).toBeUndefined();
      expect(await store.findApproval(old.id)).toMatchObject({ approvedAt: T0 + 1_000 });
      expect(await store.purgeExpired(after, { approvalsBefore: T0 + 5_000 })).toBe(1);
      expect(await store.findApproval(old.id)).toBeUndefined();
      expect(await store.findApproval(recent.id)).toMatchObject({ approvedAt: T0 + 5_000 });
      expect(await store.purgeExpired(after, { approvalsBefore: T0 + 5_000 })).toBe(0);
    });

    it('revokeApproval of a redeemed approval: marked revoked, every refresh token of its grant revoked', async () => {
      const { store } = fixture();
      const { code, grantId, token } = await redeemed(store);
      const successor = await rotated(store, token.tokenHash, T0 + 3_000);
      const sameGrantOtherFamily = newRefreshToken({ grantId });
      await store.createRefreshToken(sameGrantOtherFamily);
      const bystander = await redeemed(store);

      const result = await store.revokeApproval(code.id, T0 + 4_000);
      expect(result).toMatchObject({
        approval: { id: code.id, grantId, revokedAt: T0 + 4_000 },
        newlyRevoked: true,
        refreshTokensRevoked: 3,
        codeCancelled: false,
      });
      for (const t of [token, successor, sameGrantOtherFamily]) {
        expect(await store.findRefreshToken(t.tokenHash)).toMatchObject({ revokedAt: T0 + 4_000 });
      }
      expect(await store.accessTokenState(grantId, 'user-1')).toStrictEqual({
        grantRevoked: true,
        validAfter: undefined,
      });
      expect(await store.findRefreshToken(bystander.token.tokenHash)).toMatchObject({ revokedAt: undefined });
      expect(await store.accessTokenState(bystander.grantId, 'user-1')).toMatchObject({ grantRevoked: false });
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({ status: 'consumed' });

      // Again: nothing changes, the first revocation's time stays.
      expect(await store.revokeApproval(code.id, T0 + 9_000)).toMatchObject({
        approval: { revokedAt: T0 + 4_000 },
        newlyRevoked: false,
        refreshTokensRevoked: 0,
        codeCancelled: false,
      });
      expect(await store.revokeApproval(randomUUID(), T0)).toBeUndefined();
    });

    it('revokeApproval of an approved code not redeemed yet: the code can never be redeemed', async () => {
      const { store } = fixture();
      const code = await approved(store);
      expect(await store.revokeApproval(code.id, T0 + 1_500)).toMatchObject({
        approval: { grantId: undefined, revokedAt: T0 + 1_500 },
        newlyRevoked: true,
        refreshTokensRevoked: 0,
        codeCancelled: true,
      });
      expect(await store.consumeDeviceCode(code.id, randomUUID(), T0 + 2_000)).toBeUndefined();
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({ status: 'denied' });
    });

    it('revokeGrant (a replayed code) revokes the grant’s approval with its refresh tokens', async () => {
      const { store } = fixture();
      const { code, grantId, token } = await redeemed(store);
      expect(await store.revokeGrant(grantId, T0 + 3_000)).toBe(1);
      expect(await store.findApproval(code.id)).toMatchObject({ revokedAt: T0 + 3_000 });
      expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: T0 + 3_000 });
      expect(await store.accessTokenState(grantId, 'user-1')).toMatchObject({ grantRevoked: true });
      expect(await store.revokeGrant(grantId, T0 + 4_000)).toBe(0);
      expect(await store.findApproval(code.id)).toMatchObject({ revokedAt: T0 + 3_000 });
    });

    it('a refresh token of a revoked approval created after the revocation never rotates', async () => {
      const { store } = fixture();
      const { code, grantId } = await redeemed(store);
      await store.revokeApproval(code.id, T0 + 3_000);
      // E.g. minted by the redemption while the revocation ran.
      const late = newRefreshToken({ grantId, createdAt: T0 + 3_000 });
      await store.createRefreshToken(late);
      let called = false;
      const result = await store.rotateRefreshToken(
        late.tokenHash,
        (previous) => {
          called = true;
          return successorOf(previous, T0 + 4_000);
        },
        T0 + 4_000,
      );
      expect(result).toStrictEqual({ kind: 'unknown' });
      expect(called).toBe(false);
      const other = await redeemed(store);
      await rotated(store, other.token.tokenHash, T0 + 4_000);
    });

    it('revokeUserTokens access only: valid-after in epoch seconds (floor; each revocation moves it on by at least 1 s), refresh tokens live', async () => {
      const { store } = fixture();
      const { grantId, token } = await redeemed(store, 'user-1');
      const at = T0 + 10_999;
      expect(await store.accessTokenState(grantId, 'user-1')).toStrictEqual({
        grantRevoked: false,
        validAfter: undefined,
      });
      expect(await store.revokeUserTokens('user-1', at, { refresh: false })).toStrictEqual({
        validAfter: Math.floor(at / 1000),
        refreshTokensRevoked: 0,
        codesCancelled: 0,
      });
      expect(await store.accessTokenState(grantId, 'user-1')).toStrictEqual({
        grantRevoked: false,
        validAfter: Math.floor(at / 1000),
      });
      expect(await store.accessTokenState(undefined, 'user-1')).toMatchObject({ validAfter: Math.floor(at / 1000) });
      expect(await store.accessTokenState(undefined, 'user-2')).toStrictEqual({
        grantRevoked: false,
        validAfter: undefined,
      });
      expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: undefined });
      await rotated(store, token.tokenHash, at + 1);

      // A revocation in the same second (or with an earlier time) moves it on by one second: a
      // token minted in that second after the first revocation (issued at valid-after + 1) dies
      // with the second one. A later time moves it to that time.
      expect(await store.revokeUserTokens('user-1', T0, { refresh: false })).toMatchObject({
        validAfter: Math.floor(at / 1000) + 1,
      });
      expect(await store.revokeUserTokens('user-1', at + 5_000, { refresh: false })).toMatchObject({
        validAfter: Math.floor((at + 5_000) / 1000),
      });
      expect(await store.accessTokenState(undefined, 'user-1')).toMatchObject({
        validAfter: Math.floor((at + 5_000) / 1000),
      });
    });

    it('revokeUserTokens with refresh: every refresh token and every approval of the user revoked', async () => {
      const { store } = fixture();
      const first = await redeemed(store, 'user-1');
      const second = await redeemed(store, 'user-1');
      const successor = await rotated(store, second.token.tokenHash, T0 + 3_000);
      const pending = await approved(store, 'user-1');
      const otherUser = await redeemed(store, 'user-2');
      const otherPending = await approved(store, 'user-2');

      expect(await store.revokeUserTokens('user-1', T0 + 5_000, { refresh: true })).toStrictEqual({
        validAfter: Math.floor((T0 + 5_000) / 1000),
        refreshTokensRevoked: 3,
        codesCancelled: 1,
      });
      for (const t of [first.token, second.token, successor]) {
        expect(await store.findRefreshToken(t.tokenHash)).toMatchObject({ revokedAt: T0 + 5_000 });
      }
      expect(await store.consumeDeviceCode(pending.id, randomUUID(), T0 + 6_000)).toBeUndefined();
      expect(await store.findApproval(pending.id)).toMatchObject({ revokedAt: T0 + 5_000 });
      // Redeemed approvals too: tokens minted while the revocation ran (a redemption or refresh in
      // flight, after the valid-after time was read) die by their grant.
      expect(await store.findApproval(first.code.id)).toMatchObject({ revokedAt: T0 + 5_000 });
      expect(await store.accessTokenState(first.grantId, 'user-1')).toMatchObject({ grantRevoked: true });
      expect(await store.findRefreshToken(otherUser.token.tokenHash)).toMatchObject({ revokedAt: undefined });
      expect(await store.consumeDeviceCode(otherPending.id, randomUUID(), T0 + 6_000)).toBeDefined();
      expect(await store.accessTokenState(undefined, 'user-2')).toMatchObject({ validAfter: undefined });
    });

    it('revocation racing redemption: whoever wins, the grant ends up revoked', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      const codes = await Promise.all(Array.from({ length: 10 }, () => approved(store)));
      const outcomes = await Promise.all(
        codes.map(async (code, i) => {
          const grantId = randomUUID();
          const [consumed] = await Promise.all([
            (i % 2 === 0 ? store : other).consumeDeviceCode(code.id, grantId, T0 + 2_000),
            (i % 2 === 0 ? other : store).revokeApproval(code.id, T0 + 2_000),
          ]);
          return { code, grantId, consumed };
        }),
      );
      for (const { code, grantId, consumed } of outcomes) {
        const approval = await store.findApproval(code.id);
        expect(approval?.revokedAt).toBe(T0 + 2_000);
        if (consumed === undefined) {
          expect(approval?.grantId).toBeUndefined();
          expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({ status: 'denied' });
        } else {
          expect(approval?.grantId).toBe(grantId);
          expect(await store.accessTokenState(grantId, 'user-1')).toMatchObject({ grantRevoked: true });
        }
      }
    });

    it('revoking a user racing rotations on another instance: no refresh token of the user stays live', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      const tokens = Array.from({ length: 12 }, () => newRefreshToken({ subject: 'user-1' }));
      for (const token of tokens) await store.createRefreshToken(token);
      const successors: NewRefreshToken[] = [];
      await Promise.all([
        ...tokens.map((token, i) =>
          (i % 2 === 0 ? other : store).rotateRefreshToken(
            token.tokenHash,
            (previous) => {
              const next = successorOf(previous, T0 + 1_000);
              successors.push(next);
              return next;
            },
            T0 + 1_000,
          ),
        ),
        store.revokeUserTokens('user-1', T0 + 1_000, { refresh: true }),
      ]);
      for (const token of [...tokens, ...successors]) {
        expect((await store.findRefreshToken(token.tokenHash))?.revokedAt, token.tokenHash).toBeDefined();
      }
    });
  });
}
