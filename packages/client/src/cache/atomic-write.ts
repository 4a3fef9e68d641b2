import { nodeCrypto } from './lazy-crypto.js';
import { basename, dirname, join } from 'node:path';
import { errorCode, type CacheFileSystem } from './fs-port.js';

/** The marker in a temporary file's name: `<cache file name>.tmp-<pid>-<random>`. */
const TEMP_INFIX = '.tmp-';

/** A unique temporary file name next to `path` (same directory, hence same file system). */
export function tempPathFor(path: string, pid: number): string {
  return `${path}${TEMP_INFIX}${pid}-${nodeCrypto().randomBytes(6).toString('hex')}`;
}

/**
 * Replaces the file at `path` with `data` so that, whenever the process dies, the file holds
 * either its old content or all of `data`, never a mix: the data goes to a fresh temporary file
 * in the same directory (created with `mode`, O_EXCL), which is fsynced, renamed over `path`,
 * then the directory is fsynced so that the rename itself is durable.
 * On failure the temporary file is removed and the error (a Node.js system error) is thrown.
 */
export async function writeFileAtomic(
  fs: CacheFileSystem,
  path: string,
  data: Uint8Array,
  options: { readonly mode: number; readonly pid: number },
): Promise<void> {
  const temp = tempPathFor(path, options.pid);
  const handle = await fs.open(temp, 'wx', options.mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(fs, dirname(path));
}

/** Fsyncs a directory (where the platform allows it: not on Windows). */
async function syncDirectory(fs: CacheFileSystem, directory: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(directory, 'r');
  } catch (error) {
    if (isUnsupportedDirectorySync(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isUnsupportedDirectorySync(error)) throw error;
  } finally {
    await handle.close();
  }
}

function isUnsupportedDirectorySync(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP';
}

/**
 * Removes the temporary files that writers killed mid-write left next to the given files (all in
 * one directory), if they are older than `olderThanMs` (a live writer's file is young). Returns
 * the number removed; files that vanish meanwhile are skipped.
 */
export async function removeStaleTempFiles(
  fs: CacheFileSystem,
  paths: readonly [string, ...string[]],
  olderThanMs: number,
  now: number,
): Promise<number> {
  const directory = dirname(paths[0]);
  const prefixes = paths.map((path) => `${basename(path)}${TEMP_INFIX}`);
  let removed = 0;
  for (const name of await fs.readdir(directory)) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    const temp = join(directory, name);
    try {
      const stats = await fs.stat(temp);
      if (now - stats.mtimeMs <= olderThanMs) continue;
      await fs.unlink(temp);
      removed += 1;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}
