/**
 * The README's "The CLI" commands run as written in a clone: after the build (`npm test` builds
 * first; CI runs `npm ci`, then `npm run build`), both bins are in node_modules/.bin, pointing at
 * the built launchers, and the README's PATH line finds them. npm links a workspace's bins only
 * when their files exist, which at install time they do not: the root `postbuild` links them.
 */
import { spawnSync } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { VERSION } from '../../src/help.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BINS = ['devicelogin', 'git-credential-devicelogin'];

let home: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  home = await tempDir('devicelogin-repo-bin-');
});
afterAll(() => home?.remove());

describe('the CLI in this clone', () => {
  it("node_modules/.bin has both built bins, and the README's PATH line runs them", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## The CLI')))?.[1] ?? '';
    const [pathLine, ...commands] = block.split('\n');
    expect(pathLine).toBe('export PATH="$PWD/node_modules/.bin:$PATH"');
    expect(commands.some((line) => /^devicelogin login /.test(line))).toBe(true);

    for (const name of BINS) {
      expect(await realpath(join(ROOT, 'node_modules', '.bin', name))).toBe(
        await realpath(join(ROOT, 'packages', 'cli', 'dist', 'bundle', `${name}.cjs`)),
      );
    }
    // The server's admin command, which docs/server.md calls by name.
    expect(await realpath(join(ROOT, 'node_modules', '.bin', 'devicelogin-admin'))).toBe(
      await realpath(join(ROOT, 'packages', 'server', 'dist', 'admin', 'main.js')),
    );
    const run = spawnSync('sh', ['-c', `${pathLine}\ndevicelogin --version\ncommand -v git-credential-devicelogin`], {
      cwd: ROOT,
      env: {
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: home.path,
        DEVICELOGIN_NO_COMPILE_CACHE: '1',
      },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      `devicelogin ${VERSION}\n${join(ROOT, 'node_modules', '.bin', 'git-credential-devicelogin')}\n`,
    );
  });
});
