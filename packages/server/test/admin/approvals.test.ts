/**
 * `devicelogin-admin approvals …` and `users revoke` on a real SQLite file: what the commands show
 * and change is what the store holds (the server-side effects are in test/remediation.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userCodeHash } from '../../src/crypto.js';
import type { Approver, Store, UserRecord } from '../../src/store/store.js';
import { adminFixture, type AdminFixture } from './support.js';

let fixture: AdminFixture;
beforeEach(async () => {
  fixture = await adminFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

const TENANTS = ['--tenants', 'contoso fabrikam'];

async function addUser(store: Store, tenant: string, username: string): Promise<UserRecord> {
  const user = { id: randomUUID(), tenant, username, displayName: username, passwordHash: 'x', disabled: false };
  await store.upsertUser(user);
  return user;
}

/** A device code requested from `requestIp` and approved by `user` from `approver`, at the fixture's now. */
async function approve(
  store: Store,
  user: UserRecord,
  userCode: string,
  requestIp: string,
  approver: Approver,
  clientId = 'cli',
): Promise<string> {
  const now = fixture.clock.now();
  const id = randomUUID();
  await store.createDeviceCode({
    id,
    deviceCodeHash: randomUUID(),
    userCodeHash: userCodeHash(userCode),
    clientId,
    tenant: user.tenant,
    scope: 'openid offline_access',
    createdAt: now - 30_000,
    expiresAt: now + 900_000,
    interval: 5,
    requestIp,
    requestUserAgent: 'devicelogin/0.1.0 (linux; node 20)',
  });
  expect(await store.approveDeviceCode(id, user.id, 'openid offline_access', now, approver)).toBe(true);
  return id;
}

describe('approvals list', () => {
  it('the table: newest first, user names, both origins, state, the ip-mismatch flag; --json in full', async () => {
    const store = fixture.open();
    const ada = await addUser(store, 'contoso', 'ada@contoso.example');
    const first = await approve(store, ada, 'BCDF-GHJK', '192.0.2.10', {
      ip: '192.0.2.10',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0',
    });
    await store.consumeDeviceCode(first, randomUUID(), fixture.clock.now());
    fixture.clock.advance(60_000);
    const second = await approve(store, ada, 'LMNP-QRST', '192.0.2.10', { ip: '203.0.113.5', userAgent: '' });

    const table = await fixture.run(['approvals', 'list']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(
        `^2026-01-01T00:01:00\\.000Z +ada@contoso\\.example +cli +192\\.0\\.2\\.10 \\(devicelogin/0\\.1\\.0 \\(linux; node 20\\)\\) +203\\.0\\.113\\.5 +not redeemed +ip-mismatch +${second}$`,
      ),
    );
    // A long user agent is cut in the table.
    expect(lines[2]).toContain('  192.0.2.10 (Mozilla/5.0 (X11; Linux x86_64) AppleWe…)  ');
    expect(lines[2]).toMatch(new RegExp(` redeemed +${first}$`));
    expect(table.stderr).toContain('1 of 2 approvals were made from another IP address');

    const json = await fixture.run(['approvals', 'list', '--json', '--limit', '1']);
    expect(JSON.parse(json.stdout)).toStrictEqual([
      {
        id: second,
        approvedAt: '2026-01-01T00:01:00.000Z',
        tenant: 'contoso',
        user: 'ada@contoso.example',
        subject: ada.id,
        clientId: 'cli',
        scope: 'openid offline_access',
        requestedAt: '2026-01-01T00:00:30.000Z',
        requestIp: '192.0.2.10',
        requestUserAgent: 'devicelogin/0.1.0 (linux; node 20)',
        approveIp: '203.0.113.5',
        approveUserAgent: '',
        state: 'not redeemed',
        ipMismatch: true,
      },
    ]);
  });

  it('the table shows no control characters of a user agent (the requesting device chose it)', async () => {
    const store = fixture.open();
    const ada = await addUser(store, 'contoso', 'ada@contoso.example');
    await approve(store, ada, 'BCDF-GHJK', '192.0.2.10', {
      ip: '192.0.2.10',
      userAgent: 'evil\u009b2J\u001b[31mred\u0007',
    });
    const table = await fixture.run(['approvals', 'list']);
    expect(table.code, table.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex -- what must not be printed
    expect(table.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(table.stdout).toContain('evil?2J?[31mred?');
  });

  it('filters: --since (a duration or an ISO time), --user (any case, with --tenant when ambiguous), --client', async () => {
    const store = fixture.open();
    const ada = await addUser(store, 'contoso', 'ada@contoso.example');
    const adaElsewhere = await addUser(store, 'fabrikam', 'ada@contoso.example');
    const bob = await addUser(store, 'contoso', 'bob@contoso.example');
    const same = { ip: '192.0.2.1', userAgent: 'b' };
    const old = await approve(store, ada, 'BBBB-BBBB', '192.0.2.1', same);
    fixture.clock.advance(3 * 3_600_000);
    const recent = await approve(store, bob, 'CCCC-CCCC', '192.0.2.1', same, 'other-app');
    fixture.clock.advance(1_000);
    const fabrikam = await approve(store, adaElsewhere, 'DDDD-DDDD', '192.0.2.1', same);
    const ids = async (...args: string[]) => {
      const result = await fixture.run(['approvals', 'list', '--json', ...TENANTS, ...args]);
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { id: string }[]).map((row) => row.id);
    };
    expect(await ids('--since', '2h')).toStrictEqual([fabrikam, recent]);
    expect(await ids('--since', '2026-01-01T00:00:00Z')).toHaveLength(3);
    expect(await ids('--since', '2026-01-01T01:00:00+01:00')).toHaveLength(3);
    expect(await ids('--since', '2026-01-01T00:00:00.001Z')).toStrictEqual([fabrikam, recent]);
    expect(await ids('--client', 'other-app')).toStrictEqual([recent]);
    expect(await ids('--user', 'BOB@contoso.example')).toStrictEqual([recent]);
    expect(await ids('--user', 'ada@contoso.example', '--tenant', 'contoso')).toStrictEqual([old]);
    expect(await ids('--tenant', 'fabrikam')).toStrictEqual([fabrikam]);

    const ambiguous = await fixture.run(['approvals', 'list', ...TENANTS, '--user', 'ada@contoso.example']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('exists in several tenants (contoso, fabrikam): give --tenant');
    expect((await fixture.run(['approvals', 'list', '--user', 'nobody'])).code).toBe(4);
  });
});

describe('approvals revoke', () => {
  it('--code as the user typed it finds the most recent approval; the code is never echoed', async () => {
    const store = fixture.open();
    const ada = await addUser(store, 'contoso', 'ada@contoso.example');
    const id = await approve(store, ada, 'WDJB-MJHT', '192.0.2.1', { ip: '198.51.100.1', userAgent: 'x' });
    const result = await fixture.run(['approvals', 'revoke', '--code', ' wdjb mjht ', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      approval: { id, state: 'revoked', revokedAt: '2026-01-01T00:00:00.000Z' },
      newlyRevoked: true,
      refreshTokensRevoked: 0,
      codeCancelled: true,
    });
    expect(result.stderr).toContain(`Revoked approval ${id} (ada@contoso.example → cli, approved`);
    expect(result.stderr).toContain('it can no longer be redeemed');
    expect(result.stdout + result.stderr).not.toMatch(/wdjb|WDJB/i);
    expect(await store.findApproval(id)).toMatchObject({ revokedAt: fixture.clock.now() });
  });

  it('--help names both ways to find the approval', async () => {
    const help = await fixture.run(['approvals', 'revoke', '--help'], { sqlitePath: false });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: devicelogin-admin approvals revoke --id <approval id> | --code <user code>');
    expect(help.stdout).toContain('$ devicelogin-admin approvals revoke --code WDJB-MJHT');
  });
});

describe('users revoke', () => {
  it('revokes the refresh tokens and records valid-after; --access-only keeps the refresh tokens', async () => {
    const store = fixture.open();
    const ada = await addUser(store, 'contoso', 'ada@contoso.example');
    const token = {
      tokenHash: randomUUID(),
      familyId: randomUUID(),
      grantId: randomUUID(),
      clientId: 'cli',
      tenant: 'contoso',
      subject: ada.id,
      scope: 'openid offline_access',
      createdAt: fixture.clock.now(),
      expiresAt: fixture.clock.now() + 86_400_000,
    };
    await store.createRefreshToken(token);
    fixture.clock.advance(1_500);

    const accessOnly = await fixture.run(['users', 'revoke', 'ADA@contoso.example', '--access-only', '--json']);
    expect(accessOnly.code, accessOnly.stderr).toBe(0);
    expect(JSON.parse(accessOnly.stdout)).toMatchObject({
      username: 'ada@contoso.example',
      accessOnly: true,
      validAfter: '2026-01-01T00:00:01.000Z',
      refreshTokensRevoked: 0,
    });
    expect(accessOnly.stderr).toContain('its refresh tokens are kept');
    expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: undefined });
    expect(await store.accessTokenState(undefined, ada.id)).toMatchObject({ validAfter: 1767225601 });

    const full = await fixture.run(['users', 'revoke', '--username', 'ada@contoso.example', '--tenant', 'contoso']);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toBe(
      'Revoked the tokens of ada@contoso.example (tenant contoso): 1 refresh token(s); access tokens issued ' +
        'so far are dead from their next use. The user must sign in again.\n',
    );
    expect(await store.findRefreshToken(token.tokenHash)).toMatchObject({ revokedAt: fixture.clock.now() });
  });

  it('--help shows the positional username', async () => {
    const help = await fixture.run(['users', 'revoke', '-h'], { sqlitePath: false });
    expect(help.stdout).toContain('Usage: devicelogin-admin users revoke <username> [--tenant <name>] [--access-only]');
  });
});
