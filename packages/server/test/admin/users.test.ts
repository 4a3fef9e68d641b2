/**
 * `devicelogin-admin users …` on a real SQLite file: the password comes from standard input (or
 * a terminal prompt without echo), and the stored user is the one the sign-in page checks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/admin/errors.js';
import { usersAdd, usersSetPassword } from '../../src/admin/users.js';
import { verifyPassword } from '../../src/crypto.js';
import { adminFixture, fakeTty, type AdminFixture } from './support.js';

const ADA = ['--tenant', 'contoso', '--username', 'ada@contoso.example'];
const PASSWORD = 'correct horse battery staple';

let fixture: AdminFixture;
beforeEach(async () => {
  fixture = await adminFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

async function signsIn(username: string, password: string, tenant = 'contoso'): Promise<boolean> {
  const user = await fixture.open().findUser(tenant, username);
  return user !== undefined && !user.disabled && (await verifyPassword(password, user.passwordHash));
}

describe('users add', () => {
  it('stores the user with the password read from standard input (newline removed); sign-in accepts it', async () => {
    const result = await fixture.run(['users', 'add', ...ADA, '--display-name', 'Ada Lovelace'], {
      stdin: `${PASSWORD}\n`,
    });
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toMatch(
      /^Note: created a new database at .*\nAdded user ada@contoso\.example to tenant contoso \(id [0-9a-f-]{36}\)\.\n$/,
    );
    const user = await fixture.open().findUser('contoso', 'ADA@contoso.example');
    expect(user).toMatchObject({
      tenant: 'contoso',
      username: 'ada@contoso.example',
      displayName: 'Ada Lovelace',
      disabled: false,
    });
    expect(user?.passwordHash).toMatch(/^scrypt\$/);
    expect(await signsIn('ada@contoso.example', PASSWORD)).toBe(true);
    expect(await signsIn('ada@contoso.example', `${PASSWORD}\n`)).toBe(false);
  });

  it('--json prints the user, never the password or its hash', async () => {
    const result = await fixture.run(['users', 'add', ...ADA, '--display-name', 'Ada', '--json'], { stdin: PASSWORD });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(printed).sort()).toStrictEqual(['disabled', 'displayName', 'id', 'tenant', 'username']);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(result.stdout).not.toContain('scrypt');
  });

  it('refuses a second user with the same name (exit 5), an unconfigured tenant (exit 2), no password (exit 2)', async () => {
    expect((await fixture.run(['users', 'add', ...ADA, '--display-name', 'Ada'], { stdin: PASSWORD })).code).toBe(0);
    const again = await fixture.run(
      ['users', 'add', '--tenant', 'contoso', '--username', 'ADA@contoso.example', '--display-name', 'A'],
      {
        stdin: 'other',
      },
    );
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('already has a user ada@contoso.example; use "users set-password"');
    expect(await signsIn('ada@contoso.example', PASSWORD)).toBe(true);

    const elsewhere = await fixture.run(
      ['users', 'add', '--tenant', 'fabrikam', '--username', 'bo', '--display-name', 'Bo'],
      {
        stdin: PASSWORD,
      },
    );
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('tenant fabrikam is not configured (tenants: contoso)');
    const configured = await fixture.run(
      [
        'users',
        'add',
        '--tenants',
        'contoso fabrikam',
        '--tenant',
        'fabrikam',
        '--username',
        'bo',
        '--display-name',
        'Bo',
      ],
      { stdin: PASSWORD },
    );
    expect(configured.code).toBe(0);

    const empty = await fixture.run([
      'users',
      'add',
      '--tenant',
      'contoso',
      '--username',
      'cy',
      '--display-name',
      'Cy',
    ]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no password on standard input');
    const twoLines = await fixture.run(
      ['users', 'add', '--tenant', 'contoso', '--username', 'cy', '--display-name', 'Cy'],
      {
        stdin: 'one\ntwo\n',
      },
    );
    expect(twoLines.code).toBe(2);
    expect(await fixture.open().findUser('contoso', 'cy')).toBeUndefined();
  });

  it('refuses a password flag, saying why, and stores nothing', async () => {
    const result = await fixture.run(['users', 'add', ...ADA, '--display-name', 'Ada', '--password', 'hunter2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--password is refused: secrets on the command line are visible to every local user',
    );
    expect(result.stderr).toContain("Run 'devicelogin-admin users add --help' for usage.");
    expect(result.stderr).not.toContain('hunter2');
    expect(await fixture.open().listUsers()).toStrictEqual([]);
  });

  it('on a terminal: prompts twice on stderr with echo off, honours backspace', async () => {
    const tty = fakeTty();
    const { context, stderr } = fixture.context({ stdin: tty });
    const done = usersAdd.run({ tenant: 'contoso', username: 'ada@contoso.example', displayName: 'Ada' }, context);
    await expect.poll(() => stderr.text()).toContain('New password for ada@contoso.example: ');
    tty.write('s3cretX\u007f');
    tty.write('!\r');
    await expect.poll(() => stderr.text()).toContain('Repeat it: ');
    tty.write('s3cret!\r');
    await done;
    expect(tty.rawModes).toStrictEqual([true, false, true, false]);
    expect(stderr.text()).not.toContain('s3cret');
    expect(await signsIn('ada@contoso.example', 's3cret!')).toBe(true);
  });

  it('on a terminal: differing entries change nothing; Ctrl-C is an interruption (exit 130)', async () => {
    const tty = fakeTty();
    const { context, stderr } = fixture.context({ stdin: tty });
    const differ = usersAdd.run({ tenant: 'contoso', username: 'ada', displayName: 'Ada' }, context);
    tty.write('one\r');
    await expect.poll(() => stderr.text()).toContain('Repeat it: ');
    tty.write('two\r');
    await expect(differ).rejects.toThrow('the two passwords differ; nothing changed');

    const interrupted = usersAdd.run({ tenant: 'contoso', username: 'ada', displayName: 'Ada' }, context);
    tty.write('abc\u0003');
    const error = await interrupted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect(await context.store.findUser('contoso', 'ada')).toBeUndefined();
  });
});

describe('users set-password, disable, enable, list', () => {
  beforeEach(async () => {
    expect((await fixture.run(['users', 'add', ...ADA, '--display-name', 'Ada'], { stdin: PASSWORD })).code).toBe(0);
  });

  it('set-password replaces the password; an unknown user is exit 4', async () => {
    const result = await fixture.run(['users', 'set-password', ...ADA], { stdin: 'a brand new password\r\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Password of ada@contoso.example (tenant contoso) replaced.');
    expect(await signsIn('ada@contoso.example', 'a brand new password')).toBe(true);
    expect(await signsIn('ada@contoso.example', PASSWORD)).toBe(false);

    const unknown = await fixture.run(['users', 'set-password', '--tenant', 'contoso', '--username', 'nobody'], {
      stdin: 'x',
    });
    expect(unknown).toMatchObject({ code: 4, stderr: 'devicelogin-admin: no user nobody in tenant contoso\n' });
  });

  it('set-password can be called directly with an injected stdin', async () => {
    const { context } = fixture.context({ stdin: fakeTty() });
    const tty = context.stdin as ReturnType<typeof fakeTty>;
    const done = usersSetPassword.run({ tenant: 'contoso', username: 'ada@contoso.example' }, context);
    tty.write('pw1\r');
    await expect.poll(() => tty.rawModes.length).toBe(3);
    tty.write('pw1\r');
    await done;
    expect(await signsIn('ada@contoso.example', 'pw1')).toBe(true);
  });

  it('disable stops sign-in, enable restores it; both are idempotent', async () => {
    const disabled = await fixture.run(['users', 'disable', ...ADA]);
    expect(disabled).toMatchObject({ code: 0 });
    expect(disabled.stderr).toContain('ada@contoso.example (tenant contoso) is now disabled.');
    expect((await fixture.open().findUser('contoso', 'ada@contoso.example'))?.disabled).toBe(true);
    expect(await signsIn('ada@contoso.example', PASSWORD)).toBe(false);
    expect((await fixture.run(['users', 'disable', ...ADA])).stderr).toContain('was already disabled');

    expect((await fixture.run(['users', 'enable', ...ADA])).code).toBe(0);
    expect(await signsIn('ada@contoso.example', PASSWORD)).toBe(true);
    expect((await fixture.run(['users', 'disable', '--tenant', 'contoso', '--username', 'nobody'])).code).toBe(4);
  });

  it('list: a table, or JSON with --json; filtered by --tenant; never a hash', async () => {
    await fixture.run(['users', 'disable', ...ADA]);
    const table = await fixture.run(['users', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TENANT\s+USERNAME\s+DISPLAY NAME\s+DISABLED\s+ID$/);
    expect(lines[1]).toMatch(/^contoso\s+ada@contoso\.example\s+Ada\s+yes\s+[0-9a-f-]{36}$/);
    const json = await fixture.run(['users', 'list', '--json', '--tenant', 'contoso']);
    expect(JSON.parse(json.stdout)).toStrictEqual([
      expect.objectContaining({ tenant: 'contoso', username: 'ada@contoso.example', disabled: true }),
    ]);
    expect(json.stdout).not.toContain('scrypt');
    expect(JSON.parse((await fixture.run(['users', 'list', '--json', '--tenant', 'fabrikam'])).stdout)).toStrictEqual(
      [],
    );
  });
});
