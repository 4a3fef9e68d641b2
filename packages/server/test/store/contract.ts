/**
 * The one contract every {@link Store} backend passes, written against the interface only:
 * `runStoreContract('SQLite file', open)` for SQLite, the same call with another `open` for
 * PostgreSQL. Each test gets a fresh, empty store from `open` and disposes of it afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalContract } from './contract-approvals.js';
import { clientPolicyContract } from './contract-client-policy.js';
import { deviceCodeContract } from './contract-device-codes.js';
import { directoryContract } from './contract-directory.js';
import {
  APPROVER,
  newDeviceCode,
  newRefreshToken,
  T0,
  type CurrentFixture,
  type OpenStore,
  type StoreFixture,
} from './contract-fixtures.js';
import { refreshTokenContract } from './contract-refresh-tokens.js';
import { mfaContract } from './contract-mfa.js';

export type { OpenStore, StoreFixture } from './contract-fixtures.js';

/**
 * Registers the whole contract for one backend.
 *
 * @param name - shown in the test names (e.g. `SQLite file`).
 * @param open - opens a fresh, empty store. When its fixture has `reopen`, the tests between
 *   two instances on one database run too; otherwise they are reported skipped.
 */
export function runStoreContract(name: string, open: OpenStore): void {
  describe(`Store contract: ${name}`, () => {
    let current: StoreFixture | undefined;
    beforeEach(async () => {
      current = await open();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });
    const fixture: CurrentFixture = () => {
      if (current === undefined) throw new Error('no store is open');
      return current;
    };
    deviceCodeContract(fixture);
    refreshTokenContract(fixture);
    directoryContract(fixture);
    mfaContract(fixture);
    clientPolicyContract(fixture);
    approvalContract(fixture);
    lifecycleContract(fixture);
  });
}

function lifecycleContract(fixture: CurrentFixture): void {
  describe('purge and lifecycle', () => {
    it('purgeExpired removes expired codes and tokens (more than one batch) and leaves live ones', async () => {
      const { store } = fixture();
      const now = T0 + 60_000;
      const expiredCodes = Array.from({ length: 1_100 }, () => newDeviceCode({ expiresAt: now - 1 }));
      for (const code of expiredCodes) expect(await store.createDeviceCode(code)).toBe(true);
      const expiringNow = newDeviceCode({ expiresAt: now });
      const liveCode = newDeviceCode({ expiresAt: now + 1 });
      expect(await store.createDeviceCode(expiringNow)).toBe(true);
      expect(await store.createDeviceCode(liveCode)).toBe(true);
      const expiredToken = newRefreshToken({ expiresAt: now - 1 });
      const liveToken = newRefreshToken({ expiresAt: now + 1 });
      await store.createRefreshToken(expiredToken);
      await store.createRefreshToken(liveToken);

      expect(await store.purgeExpired(now)).toBe(expiredCodes.length + 1 + 1);

      for (const code of [expiredCodes[0]!, expiredCodes.at(-1)!, expiringNow]) {
        expect(await store.findDeviceCodeByHash(code.deviceCodeHash)).toBeUndefined();
        expect(await store.findDeviceCodeByUserCode(code.userCodeHash)).toBeUndefined();
      }
      expect(await store.findDeviceCodeByUserCode(liveCode.userCodeHash)).toMatchObject({ id: liveCode.id });
      expect(await store.findRefreshToken(expiredToken.tokenHash)).toBeUndefined();
      expect(await store.findRefreshToken(liveToken.tokenHash)).toMatchObject({ tokenHash: liveToken.tokenHash });
      expect(await store.purgeExpired(now)).toBe(0);
    });

    it('purgeExpired also drops counter windows that ended, not the current one', async () => {
      const { store } = fixture();
      await store.hit('ended', 1_000, T0);
      await store.hit('current', 60_000, T0);
      expect(await store.purgeExpired(T0 + 1_000)).toBe(0);
      expect(await store.count('ended', 1_000, T0)).toBe(0);
      expect(await store.count('current', 60_000, T0)).toBe(1);
    });

    it('close() then a new open sees the data; close() twice is harmless', async (test) => {
      const { store, reopen } = fixture();
      if (reopen === undefined) return test.skip('this backend cannot open a second instance on one database');
      const code = newDeviceCode();
      const token = newRefreshToken();
      await store.createDeviceCode(code);
      expect(await store.approveDeviceCode(code.id, 'user-1', 'openid', T0 + 1, APPROVER)).toBe(true);
      await store.createRefreshToken(token);
      await store.hit('k', 60_000, T0);
      await store.close();
      await store.close();
      await expect(store.findDeviceCodeByHash(code.deviceCodeHash)).rejects.toThrow();

      const again = await reopen();
      try {
        expect(await again.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({
          status: 'approved',
          subject: 'user-1',
          decidedAt: T0 + 1,
        });
        expect(await again.findRefreshToken(token.tokenHash)).toMatchObject({ familyId: token.familyId });
        expect(await again.hit('k', 60_000, T0 + 1)).toBe(2);
      } finally {
        await again.close();
      }
    });
  });
}
