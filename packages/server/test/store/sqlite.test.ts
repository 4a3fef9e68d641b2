import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '@devicelogin/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStoreContract } from './contract.js';
import { newDeviceCode, T0 } from './contract-fixtures.js';

runStoreContract('SQLite file', async () => {
  const dir = await tempDir('devicelogin-store-');
  const path = join(dir.path, 'store.sqlite');
  const opened = [openSqliteStore({ path })];
  return {
    store: opened[0]!,
    reopen: () => {
      const another = openSqliteStore({ path });
      opened.push(another);
      return Promise.resolve(another);
    },
    async cleanup() {
      for (const store of opened) await store.close();
      await dir.remove();
    },
  };
});

runStoreContract('SQLite :memory:', () => {
  const store = openSqliteStore({ path: ':memory:' });
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describe('SQLite store: file and schema', () => {
  const toDispose: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of toDispose.splice(0).reverse()) await dispose();
  });

  async function newFile(): Promise<string> {
    const dir = await tempDir('devicelogin-store-');
    toDispose.push(() => dir.remove());
    return join(dir.path, 'store.sqlite');
  }

  function open(path: string, now = T0): SqliteStore {
    const store = openSqliteStore({ path, clock: { now: () => now } });
    toDispose.push(() => store.close());
    return store;
  }

  function rawDb(path: string): Database.Database {
    const db = new Database(path);
    toDispose.push(() => Promise.resolve(void db.close()));
    return db;
  }

  it('creates a new database file, and its WAL and shared-memory files, readable by the owner only', async () => {
    const path = await newFile();
    const previous = process.umask(0o022);
    try {
      const store = open(path);
      await store.createDeviceCode(newDeviceCode()); // a write: the WAL and -shm files exist now
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('leaves the permissions of an existing database file as they are', async () => {
    const path = await newFile();
    await writeFile(path, '', { mode: 0o640 });
    open(path);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it('applies the migrations once: reopening runs none and keeps the data', async () => {
    const path = await newFile();
    const first = open(path, T0);
    expect(first.migrationsApplied).toStrictEqual(MIGRATIONS.map((m) => m.version));
    const code = newDeviceCode();
    await first.createDeviceCode(code);
    await first.close();

    const second = open(path, T0 + 60_000);
    expect(second.migrationsApplied).toStrictEqual([]);
    expect(await second.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({ id: code.id });
    await second.close();

    const rows = rawDb(path).prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
    expect(rows).toStrictEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: T0 })));
  });

  it('uses WAL journaling on files', async () => {
    const path = await newFile();
    open(path);
    expect(rawDb(path).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('applies only the migrations a database lacks, in order', async () => {
    const path = await newFile();
    open(path);
    const db = rawDb(path);
    const later = [
      ...MIGRATIONS,
      { version: 101, name: 'second', sql: 'ALTER TABLE extra ADD COLUMN b TEXT' },
      { version: 100, name: 'first', sql: 'CREATE TABLE extra (a TEXT)' },
    ];
    expect(migrate(db, T0 + 1, later)).toStrictEqual([100, 101]);
    expect(migrate(db, T0 + 2, later)).toStrictEqual([]);
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('extra')").all();
    expect(columns.map((c) => c.name)).toStrictEqual(['a', 'b']);
  });

  it('a failing migration leaves no trace', async () => {
    const path = await newFile();
    open(path);
    const db = rawDb(path);
    const broken = [
      ...MIGRATIONS,
      { version: 100, name: 'fine', sql: 'CREATE TABLE extra (a TEXT)' },
      { version: 101, name: 'broken', sql: 'ALTER TABLE missing ADD COLUMN b TEXT' },
    ];
    expect(() => migrate(db, T0, broken)).toThrow(/missing/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toStrictEqual({ n: 0 });
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toStrictEqual({
      v: Math.max(...MIGRATIONS.map((m) => m.version)),
    });
  });

  it('refuses a database written by a newer release', async () => {
    const path = await newFile();
    open(path);
    rawDb(path).prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)").run();
    expect(() => openSqliteStore({ path })).toThrow(/newer than this release/);
  });
});
