/**
 * Store contract, per-client policy: the device grant and deep link switches, the scope limit and
 * the token lifetime overrides survive a round trip through every backend, an absent lifetime
 * stays absent (the server default), and an upsert without one clears it.
 */
import { describe, expect, it } from 'vitest';
import type { ClientRecord } from '../../src/store/store.js';
import { secondInstance, type CurrentFixture } from './contract-fixtures.js';

const BASE: ClientRecord = {
  clientId: 'kiosk',
  name: 'Lobby kiosk',
  allowedScopes: 'api://demo/read',
  deviceGrantEnabled: true,
  deepLinkEnabled: false,
};

/** Registers the per-client policy cases. */
export function clientPolicyContract(fixture: CurrentFixture): void {
  describe('client policy', () => {
    it('stores token lifetime overrides and reads them back from find and list', async () => {
      const { store } = fixture();
      const short: ClientRecord = { ...BASE, accessTokenLifetimeSeconds: 600, refreshTokenLifetimeSeconds: 86_400 };
      await store.upsertClient(short);
      expect(await store.findClient('kiosk')).toStrictEqual(short);
      expect(await store.listClients()).toStrictEqual([short]);
    });

    it('stores the DPoP policy: required reads back, an upsert without it makes DPoP optional again', async () => {
      const { store } = fixture();
      await store.upsertClient({ ...BASE, dpopRequired: true });
      expect(await store.findClient('kiosk')).toStrictEqual({ ...BASE, dpopRequired: true });
      expect(await store.listClients()).toStrictEqual([{ ...BASE, dpopRequired: true }]);
      await store.upsertClient(BASE);
      expect(await store.findClient('kiosk')).toStrictEqual(BASE);
    });

    it('a client without overrides has no lifetime keys at all (not even undefined ones)', async () => {
      const { store } = fixture();
      await store.upsertClient(BASE);
      const found = await store.findClient('kiosk');
      expect(found).toStrictEqual(BASE);
      expect(found === undefined ? [] : Object.keys(found)).not.toContain('accessTokenLifetimeSeconds');
      expect(found === undefined ? [] : Object.keys(found)).not.toContain('refreshTokenLifetimeSeconds');
    });

    it('an upsert replaces the whole policy: switches flip, and absent lifetimes clear stored ones', async () => {
      const { store } = fixture();
      await store.upsertClient({ ...BASE, accessTokenLifetimeSeconds: 600, refreshTokenLifetimeSeconds: 86_400 });
      const accessOnly: ClientRecord = {
        ...BASE,
        deviceGrantEnabled: false,
        deepLinkEnabled: true,
        allowedScopes: '',
        accessTokenLifetimeSeconds: 900,
      };
      await store.upsertClient(accessOnly);
      expect(await store.findClient('kiosk')).toStrictEqual(accessOnly);
      await store.upsertClient(BASE);
      expect(await store.findClient('kiosk')).toStrictEqual(BASE);
    });

    it('a policy change is seen at once by another instance on the same database', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      await store.upsertClient(BASE);
      expect(await other.findClient('kiosk')).toStrictEqual(BASE);
      const off: ClientRecord = { ...BASE, deviceGrantEnabled: false, refreshTokenLifetimeSeconds: 3600 };
      await store.upsertClient(off);
      expect(await other.findClient('kiosk')).toStrictEqual(off);
    });
  });
}
