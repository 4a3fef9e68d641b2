/** `devicelogin-admin keys …` and `tenants list`. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SigningKeys } from '../../src/tokens/signing-keys.js';
import { tenantId } from '../../src/tokens/tenant-id.js';
import { adminFixture, type AdminFixture } from './support.js';

let fixture: AdminFixture;
beforeEach(async () => {
  fixture = await adminFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

describe('keys', () => {
  it('rotate adds a key that signs and retires the previous one, which JWKS still publishes', async () => {
    const store = fixture.open();
    const server = new SigningKeys(store, fixture.clock);
    const before = (await server.active()).kid;

    fixture.clock.advance(60_000);
    const result = await fixture.run(['keys', 'rotate', '--json']);
    expect(result.code).toBe(0);
    const { kid, retired } = JSON.parse(result.stdout) as { kid: string; retired: string[] };
    expect(retired).toStrictEqual([before]);
    expect(kid).not.toBe(before);
    expect(result.stderr).toContain(`New signing key ${kid}; retired ${before} (still published in JWKS).`);

    const keys = await store.signingKeys();
    expect(keys.map((k) => [k.kid, k.retiredAt])).toStrictEqual([
      [kid, undefined],
      [before, fixture.clock.now()],
    ]);
    // A server started now (fresh SigningKeys) signs with the new key and publishes both.
    const restarted = new SigningKeys(store, fixture.clock);
    expect((await restarted.active()).kid).toBe(kid);
    expect((await restarted.jwks()).keys.map((k) => k.kid).sort()).toStrictEqual([before, kid].sort());
  });

  it('rotate on an empty store creates the first key; list shows kid, status, times, never private parts', async () => {
    expect((await fixture.run(['keys', 'rotate'])).code).toBe(0);
    fixture.clock.advance(1_000);
    expect((await fixture.run(['keys', 'rotate'])).code).toBe(0);
    const json = JSON.parse((await fixture.run(['keys', 'list', '--json'])).stdout) as Record<string, unknown>[];
    expect(json).toHaveLength(2);
    expect(json[0]).toMatchObject({
      alg: 'RS256',
      status: 'signing',
      retiredAt: null,
      createdAt: '2026-01-01T00:00:01.000Z',
    });
    expect(json[1]).toMatchObject({
      status: 'retired',
      createdAt: '2026-01-01T00:00:00.000Z',
      retiredAt: '2026-01-01T00:00:01.000Z',
    });
    const table = await fixture.run(['keys', 'list']);
    expect(table.stdout).toMatch(/^KID\s+ALG\s+STATUS\s+CREATED\s+RETIRED\n/);
    expect(table.stdout).toContain('2026-01-01T00:00:01.000Z  -');
    expect(table.stdout + JSON.stringify(json)).not.toMatch(/"d"|private/i);
  });
});

describe('tenants list', () => {
  it('lists configured tenants with tid and counts, and tenants only users name as unconfigured', async () => {
    await fixture.run(
      [
        'users',
        'add',
        '--tenants',
        'contoso fabrikam',
        '--tenant',
        'fabrikam',
        '--username',
        'u',
        '--display-name',
        'U',
      ],
      {
        stdin: 'pw',
      },
    );
    const json = await fixture.run(['tenants', 'list', '--json', '--tenants', 'contoso']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toStrictEqual([
      { tenant: 'contoso', tid: tenantId('contoso'), configured: true, users: 0, disabledUsers: 0, mfa: 'optional' },
      { tenant: 'fabrikam', tid: tenantId('fabrikam'), configured: false, users: 1, disabledUsers: 0, mfa: 'optional' },
    ]);
    const table = await fixture.run(['tenants', 'list', '--tenants', 'contoso,fabrikam']);
    expect(table.stdout).toMatch(
      /^TENANT\s+CONFIGURED\s+USERS\s+DISABLED\s+MFA\s+TID\ncontoso\s+yes\s+0\s+0\s+optional\s+[0-9a-f-]{36}\nfabrikam\s+yes\s+1/,
    );
  });
});
