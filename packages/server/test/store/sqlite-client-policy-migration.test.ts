/**
 * SQLite migration 2 (client token lifetimes) on a database written before it: existing clients
 * keep every field and get no lifetime override; the new columns refuse nonsense.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '@devicelogin/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { T0 } from './contract-fixtures.js';

const dispose: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of dispose.splice(0).reverse()) await step();
});

describe('SQLite migration 2: client token lifetimes', () => {
  it('upgrades a version-1 database: existing clients keep their policy, with no lifetime override', async () => {
    const dir = await tempDir('devicelogin-store-');
    dispose.push(() => dir.remove());
    const path = join(dir.path, 'store.sqlite');
    const old = new Database(path);
    migrate(
      old,
      T0,
      MIGRATIONS.filter((m) => m.version === 1),
    );
    old
      .prepare(
        "INSERT INTO clients (client_id, name, allowed_scopes, device_grant_enabled, deep_link_enabled) VALUES ('old', 'Old', 'api://demo/read', 0, 1)",
      )
      .run();
    old.close();

    const store = openSqliteStore({ path, clock: { now: () => T0 + 1 } });
    dispose.push(() => store.close());
    expect(store.migrationsApplied).toContain(2);
    expect(await store.findClient('old')).toStrictEqual({
      clientId: 'old',
      name: 'Old',
      allowedScopes: 'api://demo/read',
      deviceGrantEnabled: false,
      deepLinkEnabled: true,
    });
    await store.upsertClient({
      clientId: 'old',
      name: 'Old',
      allowedScopes: 'api://demo/read',
      deviceGrantEnabled: true,
      deepLinkEnabled: true,
      accessTokenLifetimeSeconds: 600,
    });
    expect(await store.findClient('old')).toMatchObject({ deviceGrantEnabled: true, accessTokenLifetimeSeconds: 600 });
  });

  it('the lifetime columns refuse zero and negative values', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    dispose.push(() => store.close());
    const client = { clientId: 'c', name: 'C', allowedScopes: '', deviceGrantEnabled: true, deepLinkEnabled: true };
    await expect(store.upsertClient({ ...client, accessTokenLifetimeSeconds: 0 })).rejects.toThrow(/CHECK/);
    await expect(store.upsertClient({ ...client, refreshTokenLifetimeSeconds: -1 })).rejects.toThrow(/CHECK/);
    expect(await store.findClient('c')).toBeUndefined();
  });
});
