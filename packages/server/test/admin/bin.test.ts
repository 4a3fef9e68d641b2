/**
 * The built `devicelogin-admin` executable (packages/server/dist/admin/main.js; run `npx tsc -b`
 * first) as a real child process: JSON on stdout, exit codes.
 */
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@devicelogin/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(PACKAGE, 'dist', 'admin', 'main.js');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function admin(args: readonly string[], stdin = ''): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('devicelogin-admin-bin-');
});
afterEach(async () => {
  await dir.remove();
});

describe('devicelogin-admin (child process)', () => {
  it("is the package's bin", async () => {
    const manifest = JSON.parse(await readFile(join(PACKAGE, 'package.json'), 'utf8')) as {
      bin?: Record<string, string>;
    };
    expect(manifest.bin?.['devicelogin-admin']).toBe('dist/admin/main.js');
  });

  it('a listing pointed at no database says so (exit 3) and creates none', async () => {
    const nowhere = join(dir.path, 'not-the-server.sqlite');
    const listed = await admin(['approvals', 'list', '--sqlite-path', nowhere]);
    expect(listed.code).toBe(3);
    expect(listed.stdout).toBe('');
    expect(listed.stderr).toContain(`there is no database at ${nowhere}`);
    expect(existsSync(nowhere)).toBe(false);
  });

  it('clients add then clients list --json on a SQLite file: exit 0, JSON on stdout', async () => {
    const sqlite = join(dir.path, 'db.sqlite');
    const added = await admin(['clients', 'add', '--client-id', 'my-cli', '--name', 'My CLI', '--sqlite-path', sqlite]);
    expect(added).toMatchObject({ code: 0, stdout: '' });
    const listed = await admin(['clients', 'list', '--json', '--sqlite-path', sqlite]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toStrictEqual([
      {
        clientId: 'my-cli',
        name: 'My CLI',
        allowedScopes: [],
        deviceGrantEnabled: true,
        deepLinkEnabled: true,
        dpop: 'optional',
      },
    ]);
    expect(listed.stderr).toBe('');
  });

  it('users add reads the password from a pipe', async () => {
    const sqlite = join(dir.path, 'db.sqlite');
    const result = await admin(
      ['users', 'add', '--tenant', 'contoso', '--username', 'ada', '--display-name', 'Ada', '--sqlite-path', sqlite],
      'pw from a pipe\n',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Added user ada to tenant contoso');
  });

  it('exits 2 on a usage error, 3 on a configuration error, without a stack trace', async () => {
    const usage = await admin(['clients', 'add', '--name', 'x', '--sqlite-path', join(dir.path, 'db.sqlite')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      "devicelogin-admin: --client-id is required\nRun 'devicelogin-admin clients add --help' for usage.\n",
    );
    const config = await admin(['clients', 'list', '--config', join(dir.path, 'missing.json')]);
    expect(config.code).toBe(3);
    expect(config.stderr).toMatch(
      /^devicelogin-admin: Invalid server configuration: config file .*missing\.json cannot be read \(ENOENT\)\n$/,
    );
  });
});
