/**
 * The server on PostgreSQL: `databaseUrl` (or `DATABASE_URL`) selects it, and while the database
 * is unreachable the OAuth endpoints answer 503 + Retry-After with `temporarily_unavailable`,
 * then serve again without a restart once it is back (the outage is a TCP relay cut in front of
 * the real server, which keeps running).
 */
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { systemClock } from '@devicelogin/protocol';
import { startTcpRelay } from '@devicelogin/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/cli.js';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/load.js';
import { openConfiguredStore } from '../../src/store/open.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { collect } from '../admin/support.js';
import { sql, usePostgres } from './postgres-fixture.js';

const postgres = usePostgres();
const CLIENTS = [{ clientId: 'cli-app', name: 'CLI' }];

describe('the server on PostgreSQL', () => {
  const toDispose: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of toDispose.splice(0).reverse()) await dispose();
  });

  /** Listens on 127.0.0.1:0; the base URL. */
  async function listen(built: BuiltApp): Promise<string> {
    toDispose.push(() => built.app.close());
    await built.app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`;
  }

  function requestDeviceCode(base: string, accept = 'application/json'): Promise<Response> {
    return fetch(`${base}/contoso/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
      body: 'client_id=cli-app&scope=openid%20offline_access',
    });
  }

  it('DATABASE_URL (or DEVICELOGIN_DATABASE_URL, which wins) selects PostgreSQL; never a flag', async () => {
    const base = { argv: [], readFile: () => Promise.reject(new Error('no file')), defaultPublicUrl: 'http://x' };
    const url = await postgres.fresh();
    const fromAlias = await loadServerConfig({ ...base, env: { DATABASE_URL: url } });
    expect(fromAlias.databaseUrl).toBe(url);
    const both = await loadServerConfig({
      ...base,
      env: { DATABASE_URL: 'postgres://ignored/x', DEVICELOGIN_DATABASE_URL: url },
    });
    expect(both.databaseUrl).toBe(url);
    await expect(loadServerConfig({ ...base, env: {}, argv: ['--database-url', url] })).rejects.toThrow(/database-url/);
    const wrong = loadServerConfig({ ...base, env: { DATABASE_URL: 'mysql://u:s3cret-pw@h/db' } });
    await expect(wrong).rejects.toThrow(/databaseUrl must be a postgres:\/\/ .*\(set by DATABASE_URL\)/);
    await expect(wrong).rejects.not.toThrow(/s3cret-pw/);

    const store = await openConfiguredStore(fromAlias);
    toDispose.push(() => store.close());
    expect(store.migrationsApplied).toContain(1);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toStrictEqual([
      { n: store.migrationsApplied.length },
    ]);
  });

  it('devicelogin-admin opens the same database from DATABASE_URL', async () => {
    const url = await postgres.fresh();
    const admin = async (argv: string[]) => {
      const stdout = collect();
      const stderr = collect();
      const code = await runAdmin(argv, {
        stdin: Readable.from([]),
        stdout,
        stderr,
        env: { DATABASE_URL: url },
        readFile: () => Promise.reject(new Error('no file')),
        clock: systemClock,
        openStore: (_sqlitePath, config) => openConfiguredStore(config),
      });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    };
    const first = await admin(['clients', 'list', '--json']);
    expect(first).toMatchObject({ code: 0, stderr: 'Note: created the schema in PostgreSQL (databaseUrl).\n' });
    const store = await openPostgresStore({ connectionString: url });
    await store.upsertClient({ ...CLIENTS[0]!, allowedScopes: '', deviceGrantEnabled: true, deepLinkEnabled: true });
    await store.close();
    const second = await admin(['clients', 'list', '--json']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toContain('"cli-app"');
  });

  it('buildApp with databaseUrl keeps its codes in PostgreSQL', async () => {
    const url = await postgres.fresh();
    const base = await listen(
      await buildApp({ config: { publicUrl: 'http://127.0.0.1', databaseUrl: url, clients: CLIENTS } }),
    );
    const response = await requestDeviceCode(base);
    expect(response.status).toBe(200);
    expect(await sql(url, 'SELECT client_id FROM device_codes')).toStrictEqual([{ client_id: 'cli-app' }]);
    expect(await sql(url, 'SELECT client_id FROM clients')).toStrictEqual([{ client_id: 'cli-app' }]);
  });

  it('answers 503 + Retry-After while the database is unreachable, and recovers by itself', async () => {
    const target = new URL(await postgres.fresh());
    const relay = await startTcpRelay(Number(target.port || 5432), target.hostname);
    toDispose.push(() => relay.close());
    target.port = String(relay.port);
    const store = await openPostgresStore({ connectionString: target.toString(), max: 3 });
    const base = await listen(await buildApp({ config: { publicUrl: 'http://127.0.0.1', clients: CLIENTS }, store }));
    expect((await requestDeviceCode(base)).status).toBe(200);

    await relay.cut();
    const down = await requestDeviceCode(base);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.headers.get('cache-control')).toBe('no-store');
    expect(await down.json()).toMatchObject({ error: 'temporarily_unavailable' });
    const poll = await fetch(`${base}/contoso/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=cli-app&device_code=x',
    });
    expect(poll.status).toBe(503);
    expect(poll.headers.get('retry-after')).toBe('5');
    const page = await requestDeviceCode(base, 'text/html');
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/^text\/plain/);

    await relay.restore();
    const up = await requestDeviceCode(base);
    expect(up.status).toBe(200);
    expect(await up.json()).toHaveProperty('device_code');
  });
});
