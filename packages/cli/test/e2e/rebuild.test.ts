import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLES = join(ROOT, 'packages/cli/dist/bundle');

/** Inode and mtime of every file of the CLI's bundle folder. */
async function identities(): Promise<Record<string, string>> {
  const files = await readdir(BUNDLES);
  const entries = await Promise.all(
    files.map(async (file) => {
      const info = await stat(join(BUNDLES, file));
      return [file, `${info.ino}:${info.mtimeMs}:${info.mode & 0o777}`] as const;
    }),
  );
  return Object.fromEntries(entries);
}

describe('bundling again with nothing changed (npm start builds while other tests run the bins)', () => {
  it('rewrites no file: same inode, same mtime, launchers still executable', async () => {
    const before = await identities();
    expect(Object.keys(before)).toContain('devicelogin.cjs');
    await promisify(execFile)(process.execPath, ['scripts/bundle.mjs'], { cwd: ROOT });
    expect(await identities()).toStrictEqual(before);
    expect(before['devicelogin.cjs']).toMatch(/:493$/); // 0o755
  }, 60_000);
});
