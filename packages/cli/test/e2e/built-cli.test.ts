import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn, launchChromium, type TestBrowser } from '@devicelogin/test-utils';
import { EXIT } from '../../src/exit-codes.js';
import { approveInChromium } from '../support/approve-in-chromium.js';
import { cliHome, type CliHome } from '../support/cli-env.js';
import { signedInCache, startCliServer, targetArgs, USER, USER_CODE, type TestServer } from '../support/cli-server.js';
import { EXEC_CREDENTIAL_V1_SCHEMA } from '../support/exec-credential-schema.js';
import { GIT_BIN, spawnCli } from '../support/spawn-cli.js';

let server: TestServer;
let browser: TestBrowser;
let home: CliHome;
beforeAll(async () => {
  [server, browser] = await Promise.all([startCliServer(), launchChromium()]);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  home = await cliHome();
});
afterEach(() => home.remove());

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, ...home.env, ...extra };
}

/** `devicelogin login` as a process, approved in Chromium. */
async function loginInChromium(options: { allow?: boolean } = {}) {
  const cli = spawnCli(['login', ...targetArgs(server)], env());
  const [, code] = await cli.waitForStderr(USER_CODE);
  await approveInChromium(browser, `${server.url}/device`, code!, USER, options);
  return { cli, code: code!, exit: await cli.exited };
}

function secretsOfCache(text: string): string[] {
  const document = JSON.parse(text) as Record<string, Record<string, { secret?: string }>>;
  return ['AccessToken', 'RefreshToken', 'IdToken'].flatMap((s) =>
    Object.values(document[s] ?? {}).map((e) => e.secret ?? ''),
  );
}

describe('the built devicelogin against the real server, approved in Chromium', () => {
  it('login, token, api, kubectl-credential, git credential fill', async () => {
    const login = await loginInChromium();
    expect(login.exit, login.cli.stderr()).toBe(EXIT.ok);
    expect(login.cli.stdout()).toBe('');
    expect(login.cli.stderr()).toContain(`Signed in as ${USER.username} (contoso)`);
    expect(login.cli.stderr()).toContain('No OS keyring is available');
    const secrets = secretsOfCache(await readFile(home.cachePath, 'utf8'));
    assertNoSecretsIn(login.cli.stderr(), secrets);

    const token = spawnCli(['token', ...targetArgs(server)], env());
    expect(await token.exited).toBe(EXIT.ok);
    expect(secrets).toContain(token.stdout().trim());
    expect(token.stderr()).toBe('');

    const api = spawnCli(['api', '/api/me', ...targetArgs(server)], env());
    expect(await api.exited).toBe(EXIT.ok);
    expect(JSON.parse(api.stdout())).toMatchObject({ preferred_username: USER.username });

    const kubectl = spawnCli(['kubectl-credential', ...targetArgs(server)], env());
    expect(await kubectl.exited).toBe(EXIT.ok);
    const validate = new Ajv().compile(EXEC_CREDENTIAL_V1_SCHEMA);
    expect(validate(JSON.parse(kubectl.stdout())), JSON.stringify(validate.errors)).toBe(true);

    const quoted = targetArgs(server)
      .map((arg) => `'${arg}'`)
      .join(' ');
    const git = spawnSync(
      'git',
      ['-c', 'credential.helper=', '-c', `credential.helper=!node ${GIT_BIN} ${quoted}`, 'credential', 'fill'],
      {
        input: 'protocol=https\nhost=git.example\n\n',
        env: { PATH: process.env['PATH'], ...env({ GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' }) },
        encoding: 'utf8',
      },
    );
    expect(git.status, git.stderr).toBe(0);
    expect(git.stdout).toMatch(
      /^protocol=https\nhost=git\.example\nusername=ada@contoso\.example\npassword=ey[\w.-]+\n/,
    );
  });

  it('Ctrl+C (SIGINT) during login: exit 130, the cache untouched', async () => {
    await signedInCache(server, home); // signed in already (in-process, through the pages)
    const before = await readFile(home.cachePath);
    const cli = spawnCli(['login', ...targetArgs(server)], env());
    await cli.waitForStderr(USER_CODE);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(EXIT.cancelled);
    expect(cli.stderr()).toMatch(/\nCancelled\.\n$/);
    expect(await readFile(home.cachePath)).toEqual(before);
  });

  it('Deny in the browser: exit 3, "declined", no stack trace', async () => {
    const { cli, exit } = await loginInChromium({ allow: false });
    expect(exit).toBe(EXIT.signInFailed);
    expect(cli.stderr()).toContain('error: The sign-in was declined on the verification page.');
    expect(cli.stderr()).not.toMatch(/\n\s+at /);
  });

  it('errors: a stack trace only with --debug', async () => {
    const plain = spawnCli(
      ['token', '--authority', 'http://127.0.0.1:9/x', '--client-id', 'c', '--interactive'],
      env(),
    );
    expect(await plain.exited).toBe(EXIT.network);
    expect(plain.stderr()).not.toMatch(/\n\s+at /);
    const debug = spawnCli(
      ['token', '--authority', 'http://127.0.0.1:9/x', '--client-id', 'c', '--interactive', '--debug'],
      env(),
    );
    expect(await debug.exited).toBe(EXIT.network);
    expect(debug.stderr()).toMatch(/\n\s+at /);
  });
});
