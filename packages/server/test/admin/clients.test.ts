/** `devicelogin-admin clients …`: what the commands write is what the server reads (findClient). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientsAdd, clientsSet } from '../../src/admin/clients.js';
import { UsageError } from '../../src/admin/errors.js';
import { adminFixture, type AdminFixture } from './support.js';

let fixture: AdminFixture;
beforeEach(async () => {
  fixture = await adminFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

describe('clients', () => {
  it('add: defaults (device grant and deep links on, any scope), or the flags given', async () => {
    expect((await fixture.run(['clients', 'add', '--client-id', 'plain', '--name', 'Plain'])).code).toBe(0);
    const added = await fixture.run([
      'clients',
      'add',
      '--client-id',
      'my-cli',
      '--name',
      'My CLI',
      '--allowed-scopes',
      'openid  offline_access,api://demo/read',
      '--no-device-grant',
      '--no-deep-link',
      '--json',
    ]);
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('Added client my-cli.');
    expect(JSON.parse(added.stdout)).toStrictEqual({
      clientId: 'my-cli',
      name: 'My CLI',
      allowedScopes: ['openid', 'offline_access', 'api://demo/read'],
      deviceGrantEnabled: false,
      deepLinkEnabled: false,
      dpop: 'optional',
    });
    const store = fixture.open();
    expect(await store.findClient('plain')).toStrictEqual({
      clientId: 'plain',
      name: 'Plain',
      allowedScopes: '',
      deviceGrantEnabled: true,
      deepLinkEnabled: true,
    });
    expect(await store.findClient('my-cli')).toStrictEqual({
      clientId: 'my-cli',
      name: 'My CLI',
      allowedScopes: 'openid offline_access api://demo/read',
      deviceGrantEnabled: false,
      deepLinkEnabled: false,
    });
    const again = await fixture.run(['clients', 'add', '--client-id', 'my-cli', '--name', 'Again']);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('client my-cli exists already; use "clients set"');
  });

  it('set: toggles the device grant and deep links, replaces scopes and name, keeps the rest', async () => {
    await fixture.run(['clients', 'add', '--client-id', 'my-cli', '--name', 'My CLI', '--allowed-scopes', 'openid']);
    expect((await fixture.run(['clients', 'set', '--client-id', 'my-cli', '--no-device-grant'])).code).toBe(0);
    expect(await fixture.open().findClient('my-cli')).toMatchObject({
      name: 'My CLI',
      allowedScopes: 'openid',
      deviceGrantEnabled: false,
      deepLinkEnabled: true,
    });
    const set = await fixture.run([
      'clients',
      'set',
      '--client-id',
      'my-cli',
      '--device-grant',
      '--no-deep-link',
      '--no-scope-limit',
      '--name',
      'Renamed',
    ]);
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('Changed client my-cli.');
    expect(await fixture.open().findClient('my-cli')).toStrictEqual({
      clientId: 'my-cli',
      name: 'Renamed',
      allowedScopes: '',
      deviceGrantEnabled: true,
      deepLinkEnabled: false,
    });
    expect((await fixture.run(['clients', 'set', '--client-id', 'nope', '--deep-link'])).code).toBe(4);
    const nothing = await fixture.run(['clients', 'set', '--client-id', 'my-cli']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
  });

  it('list: table and JSON, sorted by client id', async () => {
    await fixture.run(['clients', 'add', '--client-id', 'zeta', '--name', 'Zeta', '--no-deep-link']);
    await fixture.run([
      'clients',
      'add',
      '--client-id',
      'alpha',
      '--name',
      'Alpha',
      '--allowed-scopes',
      'openid profile',
    ]);
    const table = await fixture.run(['clients', 'list']);
    expect(table.stdout.split('\n')).toStrictEqual([
      'CLIENT ID  NAME   DEVICE GRANT  DEEP LINK  ACCESS TOKEN  REFRESH TOKEN  DPOP      ALLOWED SCOPES',
      'alpha      Alpha  yes           yes        default       default        optional  openid profile',
      'zeta       Zeta   yes           no         default       default        optional  (any)',
      '',
    ]);
    const json = JSON.parse((await fixture.run(['clients', 'list', '--json'])).stdout) as { clientId: string }[];
    expect(json.map((c) => c.clientId)).toStrictEqual(['alpha', 'zeta']);
  });

  it('parse and run are separate steps (usage errors before any store access)', async () => {
    expect(() => clientsAdd.parse({ name: 'x' })).toThrow(UsageError);
    expect(() => clientsAdd.parse({ name: 'x' })).toThrow('--client-id is required');
    expect(() => clientsAdd.parse({ 'client-id': 'has space', name: 'x' })).toThrow(/visible ASCII/);
    expect(clientsSet.parse({ 'client-id': 'c', 'deep-link': false })).toStrictEqual({
      clientId: 'c',
      deepLinkEnabled: false,
    });
    const { context, stdout } = fixture.context({ json: true });
    await clientsAdd.run(clientsAdd.parse({ 'client-id': 'direct', name: 'Direct' }), context);
    expect(JSON.parse(stdout.text())).toMatchObject({ clientId: 'direct', allowedScopes: [] });
    expect(await context.store.findClient('direct')).toMatchObject({ name: 'Direct' });
  });
});
