/**
 * Store contract, MFA: tenant policies, TOTP enrolments (one per user, first writer wins), the
 * last used time step as an atomic compare-and-set (replay), recovery codes consumed once.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store, TotpEnrolment, UserRecord } from '../../src/store/store.js';
import { hash, secondInstance, T0, type CurrentFixture } from './contract-fixtures.js';

async function aUser(store: Store): Promise<UserRecord> {
  const user: UserRecord = {
    id: randomUUID(),
    tenant: 'contoso',
    username: `u-${randomUUID()}@contoso.example`,
    displayName: 'U',
    passwordHash: 'scrypt$16384$8$1$salt$hash',
    disabled: false,
  };
  await store.upsertUser(user);
  return user;
}

function enrolment(userId: string, overrides: Partial<TotpEnrolment> = {}): TotpEnrolment {
  return { userId, sealedSecret: `v1.sealed-${randomUUID()}`, enrolledAt: T0, lastUsedStep: 1000, ...overrides };
}

const CODES = ['code-1', 'code-2', 'code-3'].map(hash);

/** Registers the MFA part of the contract. */
export function mfaContract(fixture: CurrentFixture): void {
  describe('MFA', () => {
    it('tenant policy: absent until set, then replaced by the next set, per tenant', async () => {
      const { store } = fixture();
      expect(await store.findTenantPolicy('contoso')).toBeUndefined();
      await store.setTenantPolicy({ tenant: 'contoso', mfaRequired: true });
      expect(await store.findTenantPolicy('contoso')).toStrictEqual({ tenant: 'contoso', mfaRequired: true });
      expect(await store.findTenantPolicy('fabrikam')).toBeUndefined();
      await store.setTenantPolicy({ tenant: 'contoso', mfaRequired: false });
      expect(await store.findTenantPolicy('contoso')).toStrictEqual({ tenant: 'contoso', mfaRequired: false });
    });

    it('enrolTotp stores the enrolment and its codes once; a second enrolment changes nothing', async () => {
      const { store } = fixture();
      const user = await aUser(store);
      expect(await store.findTotpEnrolment(user.id)).toBeUndefined();
      const first = enrolment(user.id);
      expect(await store.enrolTotp(first, CODES)).toBe(true);
      expect(await store.findTotpEnrolment(user.id)).toStrictEqual(first);
      expect(await store.countRecoveryCodes(user.id)).toBe(3);
      expect(await store.enrolTotp(enrolment(user.id, { sealedSecret: 'v1.other' }), [hash('x')])).toBe(false);
      expect(await store.findTotpEnrolment(user.id)).toStrictEqual(first);
      expect(await store.countRecoveryCodes(user.id)).toBe(3);
      expect(await store.consumeRecoveryCode(user.id, hash('x'), T0)).toBe(false);
    });

    it('useTotpStep accepts only a later step than the last (replay and older codes refused)', async () => {
      const { store } = fixture();
      const user = await aUser(store);
      expect(await store.useTotpStep(user.id, 1001, T0)).toBe(false); // not enrolled
      await store.enrolTotp(enrolment(user.id, { lastUsedStep: 1000 }), CODES);
      expect(await store.useTotpStep(user.id, 1000, T0)).toBe(false); // the enrolment's own step
      expect(await store.useTotpStep(user.id, 999, T0)).toBe(false);
      expect(await store.useTotpStep(user.id, 1002, T0)).toBe(true);
      expect(await store.useTotpStep(user.id, 1002, T0)).toBe(false);
      expect(await store.useTotpStep(user.id, 1001, T0)).toBe(false);
      expect(await store.findTotpEnrolment(user.id)).toMatchObject({ lastUsedStep: 1002 });
    });

    it('concurrent uses of one step: exactly one wins, also across instances', async (test) => {
      const { store } = fixture();
      const user = await aUser(store);
      await store.enrolTotp(enrolment(user.id), CODES);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.useTotpStep(user.id, 2000, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const other = await secondInstance(fixture(), test);
      const [a, b] = await Promise.all([store.useTotpStep(user.id, 2001, T0), other.useTotpStep(user.id, 2001, T0)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
    });

    it('a recovery code is consumed once, only for its user', async () => {
      const { store } = fixture();
      const user = await aUser(store);
      const other = await aUser(store);
      await store.enrolTotp(enrolment(user.id), CODES);
      await store.enrolTotp(enrolment(other.id), [hash('other-code')]);
      expect(await store.consumeRecoveryCode(other.id, CODES[0]!, T0)).toBe(false);
      const results = await Promise.all([0, 1, 2].map(() => store.consumeRecoveryCode(user.id, CODES[0]!, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.countRecoveryCodes(user.id)).toBe(2);
      expect(await store.consumeRecoveryCode(user.id, hash('unknown'), T0)).toBe(false);
      expect(await store.countRecoveryCodes(other.id)).toBe(1);
    });

    it('deleteTotpEnrolment removes the enrolment and its codes; a new enrolment starts afresh', async () => {
      const { store } = fixture();
      const user = await aUser(store);
      expect(await store.deleteTotpEnrolment(user.id)).toBe(false);
      await store.enrolTotp(enrolment(user.id), CODES);
      expect(await store.deleteTotpEnrolment(user.id)).toBe(true);
      expect(await store.findTotpEnrolment(user.id)).toBeUndefined();
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
      expect(await store.consumeRecoveryCode(user.id, CODES[1]!, T0)).toBe(false);
      const again = enrolment(user.id, { lastUsedStep: 5 });
      expect(await store.enrolTotp(again, [hash('new')])).toBe(true);
      expect(await store.findTotpEnrolment(user.id)).toStrictEqual(again);
      expect(await store.countRecoveryCodes(user.id)).toBe(1);
    });
  });
}
