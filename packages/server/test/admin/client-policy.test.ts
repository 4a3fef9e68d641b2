/**
 * `devicelogin-admin clients add|set|show` with the per-client policy options, on a real SQLite
 * file; and end to end: a server on the same file applies each change at its endpoints at once.
 */
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientsSet } from '../../src/admin/clients.js';
import { UsageError } from '../../src/admin/errors.js';
import { CLIENT_ID, postForm, startTestServer, type TestServer } from '../support/test-server.js';
import { adminFixture, type AdminFixture } from './support.js';

let fixture: AdminFixture;
let server: TestServer | undefined;
beforeEach(async () => {
  fixture = await adminFixture();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await fixture.cleanup();
});

const addKiosk = () => fixture.run(['clients', 'add', '--client-id', 'kiosk', '--name', 'Kiosk']);

describe('clients: per-client policy options', () => {
  it('set: lifetimes in seconds, "default" clears them; show prints the policy (table and JSON)', async () => {
    await addKiosk();
    const set = await fixture.run([
      'clients',
      'set',
      '--client-id',
      'kiosk',
      '--access-token-lifetime',
      '600',
      '--refresh-token-lifetime',
      '86400',
      '--allowed-scopes',
      'api://demo/read, api://demo/read api://demo/write',
    ]);
    expect(set).toMatchObject({ code: 0, stdout: '' });
    expect(await fixture.open().findClient('kiosk')).toStrictEqual({
      clientId: 'kiosk',
      name: 'Kiosk',
      allowedScopes: 'api://demo/read api://demo/write',
      deviceGrantEnabled: true,
      deepLinkEnabled: true,
      accessTokenLifetimeSeconds: 600,
      refreshTokenLifetimeSeconds: 86_400,
    });
    const table = await fixture.run(['clients', 'show', '--client-id', 'kiosk']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')).toStrictEqual([
      'CLIENT ID       kiosk',
      'NAME            Kiosk',
      'DEVICE GRANT    yes',
      'DEEP LINK       yes',
      'ACCESS TOKEN    600 s',
      'REFRESH TOKEN   86400 s',
      'DPOP            optional',
      'ALLOWED SCOPES  api://demo/read api://demo/write',
      '',
    ]);
    await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--access-token-lifetime', 'default']);
    const json = await fixture.run(['clients', 'show', '--client-id', 'kiosk', '--json']);
    expect(JSON.parse(json.stdout)).toStrictEqual({
      clientId: 'kiosk',
      name: 'Kiosk',
      allowedScopes: ['api://demo/read', 'api://demo/write'],
      deviceGrantEnabled: true,
      deepLinkEnabled: true,
      refreshTokenLifetimeSeconds: 86_400,
      dpop: 'optional',
    });
    const list = await fixture.run(['clients', 'list']);
    expect(list.stdout).toContain('kiosk      Kiosk  yes           yes        default       86400 s');
    expect((await fixture.run(['clients', 'show', '--client-id', 'nobody'])).code).toBe(4);
  });

  it('--dpop required|optional switches the DPoP policy and keeps the rest; anything else is a usage error', async () => {
    await addKiosk();
    expect((await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--dpop', 'required'])).code).toBe(0);
    expect(await fixture.open().findClient('kiosk')).toMatchObject({ name: 'Kiosk', dpopRequired: true });
    const shown = await fixture.run(['clients', 'show', '--client-id', 'kiosk', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ dpop: 'required' });
    // Another change leaves the DPoP policy as it is.
    expect((await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--no-deep-link'])).code).toBe(0);
    expect(await fixture.open().findClient('kiosk')).toMatchObject({ deepLinkEnabled: false, dpopRequired: true });
    expect((await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--dpop', 'optional'])).code).toBe(0);
    expect(Object.keys((await fixture.open().findClient('kiosk')) ?? {})).not.toContain('dpopRequired');
    const wrong = await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--dpop', 'yes']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--dpop must be "required" or "optional"');
  });

  it('lifetimes out of bounds are usage errors naming the bounds; nothing is written', async () => {
    await addKiosk();
    const cases: [string, string, RegExp][] = [
      ['--access-token-lifetime', '59', /--access-token-lifetime must be between 60 and 3600 seconds/],
      ['--access-token-lifetime', '3601', /--access-token-lifetime must be between 60 and 3600 seconds/],
      ['--refresh-token-lifetime', '7776001', /--refresh-token-lifetime must be between 60 and 7776000 seconds/],
      ['--access-token-lifetime', '10m', /--access-token-lifetime must be a whole number of seconds, or "default"/],
      ['--refresh-token-lifetime', '', /--refresh-token-lifetime must be a whole number of seconds/],
    ];
    for (const [flag, value, message] of cases) {
      const result = await fixture.run(['clients', 'set', '--client-id', 'kiosk', flag, value]);
      expect(result.code, `${flag} ${value}`).toBe(2);
      expect(result.stderr, `${flag} ${value}`).toMatch(message);
      expect(result.stderr).toContain("Run 'devicelogin-admin clients set --help' for usage.");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    // The bound is the configured server lifetime.
    const lower = await fixture.run([
      'clients',
      'set',
      '--client-id',
      'kiosk',
      '--access-token-lifetime',
      '1200',
      '--access-token-ttl-seconds',
      '900',
    ]);
    expect(lower.stderr).toMatch(/between 60 and 900 seconds \(accessTokenTtlSeconds\)/);
    expect(await fixture.open().findClient('kiosk')).not.toHaveProperty('accessTokenLifetimeSeconds');
    // The same checks on add.
    const add = await fixture.run([
      'clients',
      'add',
      '--client-id',
      'k2',
      '--name',
      'K2',
      '--access-token-lifetime',
      '30',
    ]);
    expect(add.code).toBe(2);
    expect(await fixture.open().findClient('k2')).toBeUndefined();
  });

  it('scope flags: an empty list is refused (it would lift the limit), --no-scope-limit lifts it', async () => {
    await fixture.run(['clients', 'add', '--client-id', 'kiosk', '--name', 'Kiosk', '--allowed-scopes', 'api://x']);
    const empty = await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--allowed-scopes', ' ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--allowed-scopes needs at least one scope; --no-scope-limit allows any scope');
    const both = await fixture.run([
      'clients',
      'set',
      '--client-id',
      'kiosk',
      '--allowed-scopes',
      'api://y',
      '--no-scope-limit',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('contradict');
    expect(await fixture.open().findClient('kiosk')).toMatchObject({ allowedScopes: 'api://x' });
    expect((await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--no-scope-limit'])).code).toBe(0);
    expect(await fixture.open().findClient('kiosk')).toMatchObject({ allowedScopes: '' });
  });

  it('a short access token lifetime is accepted with a note about MSAL refreshing on every call', async () => {
    await addKiosk();
    const result = await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--access-token-lifetime', '300']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("within MSAL's 300 s refresh buffer");
    const fine = await fixture.run(['clients', 'set', '--client-id', 'kiosk', '--access-token-lifetime', '301']);
    expect(fine.stderr).not.toContain('MSAL');
  });

  it('parse keeps absent options absent (set changes only what is given)', () => {
    expect(clientsSet.parse({ 'client-id': 'c', 'access-token-lifetime': 'default' })).toStrictEqual({
      clientId: 'c',
      accessTokenLifetimeSeconds: 'default',
    });
    expect(clientsSet.parse({ 'client-id': 'c', 'scope-limit': false })).toStrictEqual({
      clientId: 'c',
      allowedScopes: '',
    });
    expect(() => clientsSet.parse({ 'client-id': 'c', 'scope-limit': true })).toThrow(UsageError);
  });
});

describe('clients set end to end: a server on the same SQLite file follows each change at once', () => {
  const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

  it('device grant, deep links, scopes and lifetimes', async () => {
    const s = (server = await startTestServer({}, { sqlitePath: fixture.sqlitePath }));
    const requestCode = (scope = 'openid offline_access api://demo/read') =>
      postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope });
    const set = async (...flags: string[]) => {
      const result = await fixture.run(['clients', 'set', '--client-id', CLIENT_ID, ...flags]);
      expect(result.code, result.stderr).toBe(0);
    };

    expect((await requestCode()).body).toHaveProperty('verification_uri_complete');
    await set('--no-device-grant');
    expect((await requestCode()).body['error']).toBe('unauthorized_client');

    await set(
      '--device-grant',
      '--no-deep-link',
      '--allowed-scopes',
      'api://demo/read',
      '--access-token-lifetime',
      '600',
      '--refresh-token-lifetime',
      '86400',
    );
    expect((await requestCode('openid api://demo/write')).body['error']).toBe('invalid_scope');
    const issued = await requestCode();
    expect(issued.status).toBe(200);
    expect(issued.body).not.toHaveProperty('verification_uri_complete');
    await s.approve(String(issued.body['user_code']));
    const tokens = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: DEVICE_GRANT,
      client_id: CLIENT_ID,
      device_code: String(issued.body['device_code']),
    });
    expect(tokens.body['expires_in']).toBe(600);
    const claims = decodeJwt(String(tokens.body['access_token']));
    expect(Number(claims.exp) - Number(claims.iat)).toBe(600);
    const refreshed = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(tokens.body['refresh_token']),
    });
    expect(refreshed.body['expires_in']).toBe(600);
  });
});
