/**
 * docs/cli.md's git snippet, run as written against a real git whose global config already has a
 * `store` helper: only devicelogin answers, and the short-lived token is never saved by `store`.
 */
import { spawnSync } from 'node:child_process';
import { readFile, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { main } from '../../src/main.js';
import { cliHome, testContext, type CliHome } from '../support/cli-env.js';
import { CLIENT_ID, signedInCache, startCliServer, type TestServer } from '../support/cli-server.js';
import { GIT_BIN } from '../support/spawn-cli.js';

const CLI_MD = fileURLToPath(new URL('../../../../docs/cli.md', import.meta.url));

let server: TestServer;
let home: CliHome;
let bin: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  [server, home, bin] = await Promise.all([startCliServer(), cliHome(), tempDir('devicelogin-git-bin-')]);
}, 30_000);
afterAll(async () => {
  await server?.close();
  await home?.remove();
  await bin?.remove();
});

/** The `git config` lines of the sh block in the "git" section of docs/cli.md. */
async function documentedGitConfig(): Promise<string[]> {
  const text = await readFile(CLI_MD, 'utf8');
  const section = text.slice(text.indexOf('## git: `git-credential-devicelogin`'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('git config '));
}

describe('docs/cli.md: git credential helper setup', () => {
  it('clears an inherited store helper: devicelogin answers, nothing saves the token', async () => {
    await signedInCache(server, home);
    for (const [key, value] of [
      ['authority', `${server.url}/contoso`],
      ['client-id', CLIENT_ID],
      ['scopes', 'openid profile offline_access api://demo/read'],
    ] as const) {
      expect(await main(['config', 'set', '--profile', 'ado', key, value], testContext(home).context)).toBe(0);
    }
    // git finds `git-credential-devicelogin` on the PATH, as after an install.
    await symlink(GIT_BIN, join(bin.path, 'git-credential-devicelogin'));
    const env = {
      ...home.env,
      PATH: [bin.path, dirname(process.execPath), process.env['PATH'] ?? '/usr/bin:/bin'].join(':'),
      HOME: home.dir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
    };
    const sh = (script: string, input = '') => spawnSync('sh', ['-c', script], { env, input, encoding: 'utf8' });

    expect(sh('git config --global credential.helper store').status).toBe(0); // the user's own helper
    const lines = await documentedGitConfig();
    expect(lines.join('\n')).toContain('"devicelogin --profile ado"');
    for (const line of lines) expect(sh(line), line).toMatchObject({ status: 0 });

    const request = 'protocol=https\nhost=dev.azure.com\npath=org/project/_git/repo\n\n';
    const fill = sh('git credential fill', request);
    expect(fill.status, fill.stderr).toBe(0);
    expect(fill.stdout).toMatch(/\nusername=ada@contoso\.example\npassword=ey[\w.-]+\n/);
    // git tells every helper to store a credential that worked: `store` must not be among them.
    expect(sh('git credential approve', fill.stdout).status).toBe(0);
    await expect(stat(join(home.dir, '.git-credentials'))).rejects.toThrow(/ENOENT/);
  });
});
