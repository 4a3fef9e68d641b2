/** `devicelogin-admin tenants set --mfa …` and `users reset-mfa`. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/admin/errors.js';
import { adminFixture, type AdminFixture } from './support.js';

let fixture: AdminFixture;
beforeEach(async () => {
  fixture = await adminFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

const SECRET = 'an-mfa-encryption-secret-of-32-characters-or-more';

describe('tenants set --mfa', () => {
  it('requires MFA in a tenant, shows it in tenants list, and makes it optional again', async () => {
    const set = await fixture.run(['tenants', 'set', '--tenant', 'contoso', '--mfa', 'required', '--json'], {
      env: { DEVICELOGIN_MFA_ENCRYPTION_SECRET: SECRET },
    });
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toStrictEqual({ tenant: 'contoso', mfa: 'required' });
    expect(set.stderr).toContain(
      'MFA is now required in tenant contoso: users without TOTP enrol at their next sign-in.\n',
    );
    expect(set.stderr).not.toContain('unencrypted');
    expect(await fixture.open().findTenantPolicy('contoso')).toStrictEqual({ tenant: 'contoso', mfaRequired: true });
    const list = await fixture.run(['tenants', 'list', '--tenants', 'contoso,fabrikam']);
    expect(list.stdout).toMatch(/\ncontoso\s+yes\s+0\s+0\s+required\s/);
    expect(list.stdout).toMatch(/\nfabrikam\s+yes\s+0\s+0\s+optional\s/);

    const optional = await fixture.run(['tenants', 'set', '--tenant', 'contoso', '--mfa', 'optional']);
    expect(optional).toMatchObject({ code: 0, stdout: '' });
    expect(await fixture.open().findTenantPolicy('contoso')).toStrictEqual({ tenant: 'contoso', mfaRequired: false });
  });

  it('warns when no mfaEncryptionSecret is configured', async () => {
    const set = await fixture.run(['tenants', 'set', '--tenant', 'contoso', '--mfa', 'required']);
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('no mfaEncryptionSecret is configured, so TOTP secrets will be stored unencrypted');
  });

  it.each([
    [['--tenant', 'contoso', '--mfa', 'sometimes'], '--mfa must be required or optional, not "sometimes"'],
    [['--tenant', 'contoso'], '--mfa is required'],
    [['--mfa', 'required'], '--tenant is required'],
    [['--tenant', 'nowhere', '--mfa', 'required'], 'tenant nowhere is not configured (tenants: contoso)'],
  ])('refuses %j with a usage error', async (args, message) => {
    const result = await fixture.run(['tenants', 'set', ...args]);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Run 'devicelogin-admin tenants set --help' for usage.");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('has help with the policy values and examples', async () => {
    const help = await fixture.run(['tenants', 'set', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: devicelogin-admin tenants set --tenant <name> --mfa required|optional');
    expect(help.stdout).toMatch(/Examples:\n {2}\$ devicelogin-admin tenants set --tenant contoso --mfa required/);
    const all = await fixture.run(['--help'], { sqlitePath: false });
    expect(all.stdout).toContain('  tenants set ');
    expect(all.stdout).toContain('  users reset-mfa ');
  });
});

describe('users reset-mfa', () => {
  it("removes the user's enrolment and recovery codes; a second reset changes nothing", async () => {
    await fixture.run(
      ['users', 'add', '--tenant', 'contoso', '--username', 'ada@contoso.example', '--display-name', 'Ada'],
      { stdin: 'pw' },
    );
    const store = fixture.open();
    const user = await store.findUser('contoso', 'ada@contoso.example');
    expect(
      await store.enrolTotp(
        { userId: user!.id, sealedSecret: 'v1.x.y.z', enrolledAt: fixture.clock.now(), lastUsedStep: 1 },
        ['h1', 'h2'],
      ),
    ).toBe(true);

    const reset = await fixture.run([
      'users',
      'reset-mfa',
      '--tenant',
      'contoso',
      '--username',
      'ADA@contoso.example',
      '--json',
    ]);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toBe('TOTP of ada@contoso.example (tenant contoso) removed, with its recovery codes.\n');
    expect(JSON.parse(reset.stdout)).toMatchObject({ username: 'ada@contoso.example', mfaReset: true });
    expect(await store.findTotpEnrolment(user!.id)).toBeUndefined();
    expect(await store.countRecoveryCodes(user!.id)).toBe(0);

    const again = await fixture.run(['users', 'reset-mfa', '--tenant', 'contoso', '--username', 'ada@contoso.example']);
    expect(again).toMatchObject({ code: 0, stdout: '' });
    expect(again.stderr).toBe('ada@contoso.example (tenant contoso) had no TOTP enrolment; nothing changed.\n');
  });

  it('an unknown user is "not found" (exit 4), missing flags a usage error', async () => {
    const missing = await fixture.run(['users', 'reset-mfa', '--tenant', 'contoso', '--username', 'nobody']);
    expect(missing.code).toBe(EXIT_CODES.notFound);
    expect(missing.stderr).toContain('devicelogin-admin: no user nobody in tenant contoso\n');
    const usage = await fixture.run(['users', 'reset-mfa', '--tenant', 'contoso']);
    expect(usage.code).toBe(EXIT_CODES.usage);
    expect(usage.stderr).toContain('--username is required');
  });
});
