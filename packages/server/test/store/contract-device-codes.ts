/**
 * Store contract, device authorizations: creation and lookup, user code collisions, the
 * pending → approved/denied → consumed state machine with expiry, and consume-once under races.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeviceCodeRecord, Store } from '../../src/store/store.js';
import { APPROVER, newDeviceCode, secondInstance, T0, type CurrentFixture } from './contract-fixtures.js';

/** A code created and approved by `user-1`. */
async function approvedCode(store: Store, overrides: Parameters<typeof newDeviceCode>[0] = {}) {
  const code = newDeviceCode(overrides);
  expect(await store.createDeviceCode(code)).toBe(true);
  expect(await store.approveDeviceCode(code.id, 'user-1', 'openid profile', T0 + 1_000, APPROVER)).toBe(true);
  return code;
}

/** Registers the device code part of the contract. */
export function deviceCodeContract(fixture: CurrentFixture): void {
  describe('device codes', () => {
    it('creates a pending code, found by device code hash and by user code hash', async () => {
      const { store } = fixture();
      const code = newDeviceCode();
      expect(await store.createDeviceCode(code)).toBe(true);
      const expected: DeviceCodeRecord = {
        ...code,
        status: 'pending',
        subject: undefined,
        grantedScope: undefined,
        decidedAt: undefined,
        consumedAt: undefined,
        grantId: undefined,
      };
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toStrictEqual(expected);
      expect(await store.findDeviceCodeByUserCode(code.userCodeHash)).toStrictEqual(expected);
      expect(await store.findDeviceCodeByHash(code.userCodeHash)).toBeUndefined();
      expect(await store.findDeviceCodeByUserCode(code.deviceCodeHash)).toBeUndefined();
    });

    it('refuses a user code held by a live code, and keeps the live one', async () => {
      const { store } = fixture();
      const first = newDeviceCode();
      expect(await store.createDeviceCode(first)).toBe(true);
      const second = newDeviceCode({ userCodeHash: first.userCodeHash, createdAt: first.expiresAt - 1 });
      expect(await store.createDeviceCode(second)).toBe(false);
      expect(await store.findDeviceCodeByHash(second.deviceCodeHash)).toBeUndefined();
      expect(await store.findDeviceCodeByUserCode(first.userCodeHash)).toMatchObject({ id: first.id });
    });

    it('a used or denied code holds its user code until it expires', async () => {
      const { store } = fixture();
      const consumed = await approvedCode(store);
      expect(await store.consumeDeviceCode(consumed.id, randomUUID(), T0 + 2_000)).toBeDefined();
      const denied = newDeviceCode();
      await store.createDeviceCode(denied);
      expect(await store.denyDeviceCode(denied.id, T0 + 1_000)).toBe(true);
      for (const held of [consumed, denied]) {
        expect(
          await store.createDeviceCode(newDeviceCode({ userCodeHash: held.userCodeHash, createdAt: T0 + 3_000 })),
        ).toBe(false);
        expect(await store.findDeviceCodeByUserCode(held.userCodeHash)).toMatchObject({ id: held.id });
      }
    });

    it('takes over the user code of an expired code, which is gone', async () => {
      const { store } = fixture();
      const old = await approvedCode(store);
      const fresh = newDeviceCode({
        userCodeHash: old.userCodeHash,
        createdAt: old.expiresAt,
        expiresAt: old.expiresAt + 900_000,
      });
      expect(await store.createDeviceCode(fresh)).toBe(true);
      expect(await store.findDeviceCodeByUserCode(old.userCodeHash)).toMatchObject({ id: fresh.id, status: 'pending' });
      expect(await store.findDeviceCodeByHash(old.deviceCodeHash)).toBeUndefined();
      expect(await store.findDeviceCodeByHash(fresh.deviceCodeHash)).toMatchObject({ id: fresh.id });
    });

    it('approves a pending code once, recording subject, granted scope and time', async () => {
      const { store } = fixture();
      const code = newDeviceCode();
      await store.createDeviceCode(code);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', T0 + 10, APPROVER)).toBe(true);
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({
        status: 'approved',
        subject: 'user-1',
        grantedScope: 'openid',
        decidedAt: T0 + 10,
        consumedAt: undefined,
      });
      expect(await store.approveDeviceCode(code.id, 'user-2', 'openid profile', T0 + 20, APPROVER)).toBe(false);
      expect(await store.denyDeviceCode(code.id, T0 + 20)).toBe(false);
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({
        status: 'approved',
        subject: 'user-1',
        decidedAt: T0 + 10,
      });
    });

    it('denies a pending code once; a denied code cannot be approved', async () => {
      const { store } = fixture();
      const code = newDeviceCode();
      await store.createDeviceCode(code);
      expect(await store.denyDeviceCode(code.id, T0 + 10)).toBe(true);
      expect(await store.denyDeviceCode(code.id, T0 + 20)).toBe(false);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', T0 + 20, APPROVER)).toBe(false);
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({
        status: 'denied',
        subject: undefined,
        decidedAt: T0 + 10,
      });
    });

    it('neither approves nor denies at or after expiry, nor an unknown id', async () => {
      const { store } = fixture();
      const code = newDeviceCode();
      await store.createDeviceCode(code);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', code.expiresAt, APPROVER)).toBe(false);
      expect(await store.denyDeviceCode(code.id, code.expiresAt)).toBe(false);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', code.expiresAt + 60_000, APPROVER)).toBe(false);
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({ status: 'pending' });
      expect(await store.approveDeviceCode(randomUUID(), 'user-1', 'openid', T0, APPROVER)).toBe(false);
      expect(await store.denyDeviceCode(randomUUID(), T0)).toBe(false);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', code.expiresAt - 1, APPROVER)).toBe(true);
    });

    it('consumes an approved code once, recording the grant', async () => {
      const { store } = fixture();
      const code = await approvedCode(store);
      const grantId = randomUUID();
      const consumed = await store.consumeDeviceCode(code.id, grantId, T0 + 2_000);
      expect(consumed).toMatchObject({
        id: code.id,
        status: 'consumed',
        subject: 'user-1',
        grantedScope: 'openid profile',
        consumedAt: T0 + 2_000,
        grantId,
      });
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toStrictEqual(consumed);
      expect(await store.consumeDeviceCode(code.id, randomUUID(), T0 + 3_000)).toBeUndefined();
      expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({ grantId, consumedAt: T0 + 2_000 });
    });

    it('does not consume a pending, denied or expired code, nor an unknown id', async () => {
      const { store } = fixture();
      const pending = newDeviceCode();
      await store.createDeviceCode(pending);
      const denied = newDeviceCode();
      await store.createDeviceCode(denied);
      await store.denyDeviceCode(denied.id, T0 + 1);
      const expired = await approvedCode(store);
      expect(await store.consumeDeviceCode(pending.id, randomUUID(), T0 + 2_000)).toBeUndefined();
      expect(await store.consumeDeviceCode(denied.id, randomUUID(), T0 + 2_000)).toBeUndefined();
      expect(await store.consumeDeviceCode(expired.id, randomUUID(), expired.expiresAt)).toBeUndefined();
      expect(await store.consumeDeviceCode(randomUUID(), randomUUID(), T0)).toBeUndefined();
      expect(await store.findDeviceCodeByHash(pending.deviceCodeHash)).toMatchObject({ status: 'pending' });
      expect(await store.findDeviceCodeByHash(denied.deviceCodeHash)).toMatchObject({ status: 'denied' });
      expect(await store.findDeviceCodeByHash(expired.deviceCodeHash)).toMatchObject({
        status: 'approved',
        grantId: undefined,
      });
    });

    it('20 concurrent consumers: exactly one gets the record, its grant is the one stored', async () => {
      const { store } = fixture();
      const code = await approvedCode(store);
      const grants = Array.from({ length: 20 }, () => randomUUID());
      const results = await Promise.all(grants.map((grantId) => store.consumeDeviceCode(code.id, grantId, T0 + 2_000)));
      const winners = results.filter((result) => result !== undefined);
      expect(winners).toHaveLength(1);
      const stored = await store.findDeviceCodeByHash(code.deviceCodeHash);
      expect(stored?.grantId).toBe(winners[0]?.grantId);
      expect(grants).toContain(stored?.grantId);
    });

    it('two store instances racing to consume: exactly one record in all', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      const code = await approvedCode(store);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : other).consumeDeviceCode(code.id, `grant-${i}`, T0 + 2_000),
        ),
      );
      expect(results.filter((result) => result !== undefined)).toHaveLength(1);
      const seenByOther = await other.findDeviceCodeByHash(code.deviceCodeHash);
      expect(seenByOther?.status).toBe('consumed');
      expect(await store.consumeDeviceCode(code.id, 'late', T0 + 3_000)).toBeUndefined();
      expect(await other.consumeDeviceCode(code.id, 'late', T0 + 3_000)).toBeUndefined();
    });

    it('two store instances creating the same user code: one wins', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      const first = newDeviceCode();
      const second = newDeviceCode({ userCodeHash: first.userCodeHash });
      const created = await Promise.all([store.createDeviceCode(first), other.createDeviceCode(second)]);
      expect(created.filter(Boolean)).toHaveLength(1);
      const holder = await other.findDeviceCodeByUserCode(first.userCodeHash);
      expect([first.id, second.id]).toContain(holder?.id);
    });
  });
}
