import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { spawnCli } from '../support/spawn-cli.js';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('devicelogin-v8-');
});
afterEach(() => dir.remove());

/** Runs the built `devicelogin --version` with this cache home; returns exit code and stdout. */
async function version(env: Record<string, string>): Promise<{ exit: number; out: string }> {
  const run = spawnCli(['--version'], { HOME: dir.path, ...env });
  return { exit: await run.exited, out: run.stdout() };
}

async function cacheFiles(cacheHome: string): Promise<string[]> {
  return readdir(join(cacheHome, 'devicelogin', 'v8')).catch(() => []);
}

describe('the bin starts the bundle with V8 code cache', () => {
  it('writes the cache on the first run and reuses it unchanged afterwards', async () => {
    const cacheHome = join(dir.path, 'cache');
    expect(await version({ XDG_CACHE_HOME: cacheHome })).toEqual({ exit: 0, out: 'devicelogin 0.1.0\n' });
    const [file, ...others] = await cacheFiles(cacheHome);
    expect(others).toEqual([]);
    expect(file).toMatch(
      new RegExp(`^devicelogin-main\\.cjs-${process.version.replace(/\./g, '\\.')}-${process.arch}-\\d+-\\d+\\.v8$`),
    );
    const path = join(cacheHome, 'devicelogin', 'v8', file!);
    const first = await stat(path);
    expect(first.size).toBeGreaterThan(10_000);
    expect(first.mode & 0o777).toBe(0o600);
    expect((await version({ XDG_CACHE_HOME: cacheHome })).exit).toBe(0);
    // Accepted by V8: not rewritten.
    expect((await stat(path)).mtimeMs).toBe(first.mtimeMs);
  });

  it('a corrupt cache is rejected by V8 and replaced; the command still works', async () => {
    const cacheHome = join(dir.path, 'cache');
    await version({ XDG_CACHE_HOME: cacheHome });
    const [file] = await cacheFiles(cacheHome);
    const path = join(cacheHome, 'devicelogin', 'v8', file!);
    await writeFile(path, Buffer.alloc(4096, 7));
    expect(await version({ XDG_CACHE_HOME: cacheHome })).toEqual({ exit: 0, out: 'devicelogin 0.1.0\n' });
    expect((await readFile(path)).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('the bundles hold no import(): functions restored from the cache cannot run one on Node 20', async () => {
    // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING: the lazy jose of a silent refresh failed from the
    // second run on.) scripts/bundle.mjs turns them into require() inside a promise.
    for (const name of ['devicelogin-main.cjs', 'git-credential-devicelogin-main.cjs']) {
      const source = await readFile(new URL(`../../dist/bundle/${name}`, import.meta.url), 'utf8');
      expect(source).toContain('require("jose")');
      expect(source).not.toMatch(/\bimport\(/);
    }
  });

  it('an unwritable cache location costs only the saving', async () => {
    const notADirectory = join(dir.path, 'file');
    await writeFile(notADirectory, 'x');
    expect(await version({ XDG_CACHE_HOME: notADirectory })).toEqual({ exit: 0, out: 'devicelogin 0.1.0\n' });
  });

  it('DEVICELOGIN_NO_COMPILE_CACHE=1 writes nothing', async () => {
    const cacheHome = join(dir.path, 'cache');
    const run = await version({ XDG_CACHE_HOME: cacheHome, DEVICELOGIN_NO_COMPILE_CACHE: '1' });
    expect(run.exit).toBe(0);
    expect(await cacheFiles(cacheHome)).toEqual([]);
  });
});
