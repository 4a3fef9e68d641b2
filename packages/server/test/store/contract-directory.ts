/**
 * Store contract, everything besides codes and tokens: users (username matched
 * case-insensitively, per tenant), clients, signing keys, and fixed-window counters shared by
 * every instance on one database.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClientRecord, SigningKeyRecord, UserRecord } from '../../src/store/store.js';
import { secondInstance, T0, type CurrentFixture } from './contract-fixtures.js';

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: randomUUID(),
    tenant: 'contoso',
    username: 'Alice@Contoso.example',
    displayName: 'Alice',
    passwordHash: 'scrypt$16384$8$1$salt$hash',
    disabled: false,
    ...overrides,
  };
}

function signingKey(kid: string, createdAt: number): SigningKeyRecord {
  return {
    kid,
    alg: 'RS256',
    privateJwk: JSON.stringify({ kid, d: 'private' }),
    publicJwk: JSON.stringify({ kid, n: 'public' }),
    createdAt,
    retiredAt: undefined,
  };
}

/** Registers the users, clients, keys and counters part of the contract. */
export function directoryContract(fixture: CurrentFixture): void {
  describe('users', () => {
    it('finds a user by id and by username in any letter case, only in its tenant', async () => {
      const { store } = fixture();
      const alice = user();
      await store.upsertUser(alice);
      expect(await store.findUserById(alice.id)).toStrictEqual(alice);
      expect(await store.findUser('contoso', 'Alice@Contoso.example')).toStrictEqual(alice);
      expect(await store.findUser('contoso', 'alice@contoso.example')).toStrictEqual(alice);
      expect(await store.findUser('contoso', 'ALICE@CONTOSO.EXAMPLE')).toStrictEqual(alice);
      expect(await store.findUser('fabrikam', 'alice@contoso.example')).toBeUndefined();
      expect(await store.findUser('contoso', 'bob@contoso.example')).toBeUndefined();
      expect(await store.findUserById(randomUUID())).toBeUndefined();
    });

    it('matches non-ASCII usernames case-insensitively too', async () => {
      const { store } = fixture();
      const zoe = user({ username: 'ZOË.Ångström' });
      await store.upsertUser(zoe);
      expect(await store.findUser('contoso', 'zoë.ångström')).toMatchObject({ id: zoe.id });
    });

    it('a lookup by a name holding a NUL character finds nothing (and does not fail)', async () => {
      const { store } = fixture();
      await store.upsertUser(user());
      expect(await store.findUser('contoso', 'alice@contoso.example\u0000')).toBeUndefined();
      expect(await store.findUser('contoso\u0000', 'alice@contoso.example')).toBeUndefined();
      expect(await store.findUserById('\u0000')).toBeUndefined();
      expect(await store.listUsers('contoso\u0000')).toStrictEqual([]);
      expect(await store.findClient('cli\u0000')).toBeUndefined();
    });

    it('upsert by id replaces every field, keeping the spelling given', async () => {
      const { store } = fixture();
      const alice = user();
      await store.upsertUser(alice);
      const changed = user({ id: alice.id, username: 'ALICE@contoso.example', displayName: 'A.', disabled: true });
      await store.upsertUser(changed);
      expect(await store.findUserById(alice.id)).toStrictEqual(changed);
      expect(await store.findUser('contoso', 'alice@CONTOSO.example')).toStrictEqual(changed);
    });

    it('tenants are separate: one username, two users', async () => {
      const { store } = fixture();
      const inContoso = user();
      const inFabrikam = user({ tenant: 'fabrikam', displayName: 'Other Alice' });
      await store.upsertUser(inContoso);
      await store.upsertUser(inFabrikam);
      expect(await store.findUser('contoso', inContoso.username)).toStrictEqual(inContoso);
      expect(await store.findUser('fabrikam', inContoso.username)).toStrictEqual(inFabrikam);
    });

    it('refuses a second user with the same username (any case) in one tenant', async () => {
      const { store } = fixture();
      const alice = user();
      await store.upsertUser(alice);
      await expect(store.upsertUser(user({ username: 'alice@contoso.EXAMPLE' }))).rejects.toThrow();
      expect(await store.findUser('contoso', alice.username)).toStrictEqual(alice);
    });

    it('lists users by tenant then username (any case), all or one tenant', async () => {
      const { store } = fixture();
      expect(await store.listUsers()).toStrictEqual([]);
      const bob = user({ username: 'bob@contoso.example' });
      const alice = user({ username: 'Alice@contoso.example' });
      const carol = user({ tenant: 'fabrikam', username: 'carol@fabrikam.example' });
      for (const each of [carol, bob, alice]) await store.upsertUser(each);
      expect(await store.listUsers()).toStrictEqual([alice, bob, carol]);
      expect(await store.listUsers('contoso')).toStrictEqual([alice, bob]);
      expect(await store.listUsers('nowhere')).toStrictEqual([]);
    });
  });

  describe('clients', () => {
    it('upserts and finds clients, booleans both ways', async () => {
      const { store } = fixture();
      const client: ClientRecord = {
        clientId: 'cli',
        name: 'Device CLI',
        allowedScopes: 'openid offline_access',
        deviceGrantEnabled: true,
        deepLinkEnabled: false,
      };
      await store.upsertClient(client);
      expect(await store.findClient('cli')).toStrictEqual(client);
      const changed: ClientRecord = {
        ...client,
        name: 'CLI 2',
        allowedScopes: '',
        deviceGrantEnabled: false,
        deepLinkEnabled: true,
      };
      await store.upsertClient(changed);
      expect(await store.findClient('cli')).toStrictEqual(changed);
      expect(await store.findClient('CLI')).toBeUndefined();
      expect(await store.findClient('other')).toBeUndefined();
    });

    it('lists clients by client id', async () => {
      const { store } = fixture();
      expect(await store.listClients()).toStrictEqual([]);
      const client = (clientId: string): ClientRecord => ({
        clientId,
        name: clientId.toUpperCase(),
        allowedScopes: '',
        deviceGrantEnabled: true,
        deepLinkEnabled: true,
      });
      for (const id of ['zeta', 'alpha', 'mid']) await store.upsertClient(client(id));
      expect(await store.listClients()).toStrictEqual([client('alpha'), client('mid'), client('zeta')]);
    });
  });

  describe('signing keys', () => {
    it('lists keys newest first, retired ones included with their retirement time', async () => {
      const { store } = fixture();
      expect(await store.signingKeys()).toStrictEqual([]);
      const keys = [signingKey('k1', T0), signingKey('k3', T0 + 2_000), signingKey('k2', T0 + 1_000)];
      for (const key of keys) await store.addSigningKey(key);
      expect((await store.signingKeys()).map((key) => key.kid)).toStrictEqual(['k3', 'k2', 'k1']);
      expect((await store.signingKeys())[0]).toStrictEqual(keys[1]);

      await store.retireSigningKey('k2', T0 + 5_000);
      await store.retireSigningKey('k2', T0 + 6_000);
      await store.retireSigningKey('unknown', T0 + 6_000);
      const listed = await store.signingKeys();
      expect(listed.map((key) => [key.kid, key.retiredAt])).toStrictEqual([
        ['k3', undefined],
        ['k2', T0 + 5_000],
        ['k1', undefined],
      ]);
    });

    it('refuses a duplicate kid', async () => {
      const { store } = fixture();
      await store.addSigningKey(signingKey('k1', T0));
      await expect(store.addSigningKey(signingKey('k1', T0 + 1))).rejects.toThrow();
      expect(await store.signingKeys()).toHaveLength(1);
    });
  });

  describe('counters', () => {
    it('counts hits in fixed windows; a new window starts at 1', async () => {
      const { store } = fixture();
      const windowMs = 60_000;
      const start = T0 + 5 * windowMs;
      expect(await store.count('ip:1', windowMs, start)).toBe(0);
      expect(await store.hit('ip:1', windowMs, start)).toBe(1);
      expect(await store.hit('ip:1', windowMs, start + 1)).toBe(2);
      expect(await store.hit('ip:1', windowMs, start + windowMs - 1)).toBe(3);
      expect(await store.count('ip:1', windowMs, start + 30_000)).toBe(3);
      expect(await store.count('ip:1', windowMs, start)).toBe(3);
      expect(await store.hit('ip:1', windowMs, start + windowMs)).toBe(1);
      expect(await store.count('ip:1', windowMs, start + windowMs)).toBe(1);
      expect(await store.count('ip:1', windowMs, start - 1)).toBe(0);
      expect(await store.count('ip:2', windowMs, start)).toBe(0);
      expect(await store.hit('ip:1', 1_000, start)).toBe(1);
    });

    it('concurrent hits are all counted', async () => {
      const { store } = fixture();
      const counts = await Promise.all(Array.from({ length: 25 }, () => store.hit('global', 60_000, T0)));
      expect([...counts].sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(await store.count('global', 60_000, T0)).toBe(25);
    });

    it('two store instances share one count', async (test) => {
      const { store } = fixture();
      const other = await secondInstance(fixture(), test);
      expect(await store.hit('guess:global', 60_000, T0)).toBe(1);
      expect(await other.hit('guess:global', 60_000, T0 + 1)).toBe(2);
      expect(await store.hit('guess:global', 60_000, T0 + 2)).toBe(3);
      expect(await other.count('guess:global', 60_000, T0)).toBe(3);
      expect(await store.count('guess:global', 60_000, T0)).toBe(3);
      expect(await other.hit('guess:global', 60_000, T0 + 60_000)).toBe(1);
    });
  });
}
