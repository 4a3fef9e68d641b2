/**
 * The admin command's one error boundary: messages on stderr without stack traces (unless
 * --debug), and the documented exit codes; help for the tool, each group and each command.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/admin/errors.js';
import { CONFIG_FIELDS } from '../../src/config/fields.js';
import { adminFixture, type AdminFixture } from './support.js';

let fixture: AdminFixture;
beforeEach(async () => {
  fixture = await adminFixture();
});
afterEach(async () => {
  await fixture.cleanup();
});

describe('help', () => {
  it('--help lists every command and the exit codes, on stdout, exit 0', async () => {
    const result = await fixture.run(['--help'], { sqlitePath: false });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    for (const command of [
      'tenants list',
      'users add',
      'users set-password',
      'users disable',
      'users list',
      'clients add',
      'clients set',
      'clients list',
      'keys rotate',
      'keys list',
      'users revoke',
      'approvals list',
      'approvals revoke',
    ]) {
      expect(result.stdout).toContain(`  ${command} `);
    }
    for (const code of Object.values(EXIT_CODES)) expect(result.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
  });

  it('each group and each command has help, commands with examples', async () => {
    const group = await fixture.run(['clients', '--help'], { sqlitePath: false });
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('Usage: devicelogin-admin clients <command> [options]');
    const command = await fixture.run(['clients', 'add', '-h']);
    expect(command.code).toBe(0);
    expect(command.stdout).toContain('Usage: devicelogin-admin clients add --client-id <id> --name <name>');
    expect(command.stdout).toContain('--no-deep-link');
    expect(command.stdout).toMatch(/Examples:\n {2}\$ devicelogin-admin clients add /);
  });
});

describe('errors and exit codes', () => {
  it.each([
    [[], 'a command is required', "Run 'devicelogin-admin --help' for usage."],
    [
      ['frob'],
      'unknown command "frob" (commands: tenants, users, clients, keys, approvals)',
      "Run 'devicelogin-admin --help'",
    ],
    [
      ['users'],
      '"users" needs a command: add, set-password, disable, enable, reset-mfa, list, revoke',
      "Run 'devicelogin-admin users --help'",
    ],
    [['users', 'remove'], 'unknown command "users remove"', "Run 'devicelogin-admin users --help'"],
    [['users', 'list', '--frob'], "Unknown option '--frob'", "Run 'devicelogin-admin users list --help'"],
    [['users', 'list', 'extra'], 'Unexpected argument', "Run 'devicelogin-admin users list --help'"],
    [['clients', 'add', '--name', 'x'], '--client-id is required', "Run 'devicelogin-admin clients add --help'"],
    [
      ['users', 'add', '--tenant', 'contoso', '--username', 'u', '--display-name', 'U', '--password=x'],
      '--password is refused',
      'shell history',
    ],
  ])('%j: usage error, exit 2', async (argv, message, hint) => {
    const result = await fixture.run(argv, { sqlitePath: false });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`devicelogin-admin: ${message}`);
    expect(result.stderr).toContain(hint);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('an invalid configuration is exit 3 and names the field, from --config or DEVICELOGIN_CONFIG', async () => {
    const config = join(fixture.dir, 'server.json');
    await writeFile(config, JSON.stringify({ tenants: ['contoso'], sqlitPath: 'x.sqlite' }));
    const byFlag = await fixture.run(['users', 'list', '--config', config], { sqlitePath: false });
    expect(byFlag.code).toBe(EXIT_CODES.config);
    expect(byFlag.stderr).toBe(
      `devicelogin-admin: Invalid server configuration: sqlitPath is not a known field (in ${config}); did you mean sqlitePath? ` +
        `Known fields: ${Object.keys(CONFIG_FIELDS).join(', ')}.\n`,
    );
    await writeFile(config, JSON.stringify({ tenants: 'contoso' }));
    const byEnv = await fixture.run(['tenants', 'list'], { env: { DEVICELOGIN_CONFIG: config } });
    expect(byEnv.code).toBe(EXIT_CODES.config);
    expect(byEnv.stderr).toContain('tenants must be an array of strings (got a string');
  });

  it('the store named by the config file is the one used; flags override it', async () => {
    const config = join(fixture.dir, 'server.json');
    const other = join(fixture.dir, 'other.sqlite');
    await writeFile(config, JSON.stringify({ sqlitePath: other, tenants: ['contoso', 'fabrikam'] }));
    expect(
      (
        await fixture.run(['clients', 'add', '--config', config, '--client-id', 'c', '--name', 'C'], {
          sqlitePath: false,
        })
      ).code,
    ).toBe(0);
    expect(
      (await fixture.run(['clients', 'list', '--json', '--config', config], { sqlitePath: false })).stdout,
    ).toContain('"c"');
    // The flag's store does not exist: a read-only command says so instead of creating it empty.
    const elsewhere = await fixture.run(['clients', 'list', '--json', '--config', config]);
    expect(elsewhere.code).toBe(EXIT_CODES.config);
    expect(elsewhere.stdout).toBe('');
    expect(elsewhere.stderr).toContain('there is no database at');
  });

  it('a runtime failure is exit 1 with one line; --debug adds the stack trace', async () => {
    const missing = join(fixture.dir, 'no', 'such', 'dir', 'x.sqlite');
    const add = ['clients', 'add', '--client-id', 'c', '--name', 'C', '--sqlite-path', missing];
    const plain = await fixture.run(add, { sqlitePath: false });
    expect(plain.code).toBe(EXIT_CODES.runtime);
    expect(plain.stderr).toBe(
      `devicelogin-admin: cannot open the store ${missing}: Cannot open database because the directory does not exist\n`,
    );
    const debug = await fixture.run([...add, '--debug'], { sqlitePath: false });
    expect(debug.code).toBe(EXIT_CODES.runtime);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('docs/server.md', () => {
  it('documents exactly the exit codes of EXIT_CODES', () => {
    const doc = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'server.md'),
      'utf8',
    );
    const section = doc.slice(doc.indexOf('## Administration'));
    const documented = [...section.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1]));
    expect(documented).toStrictEqual(Object.values(EXIT_CODES));
  });
});
