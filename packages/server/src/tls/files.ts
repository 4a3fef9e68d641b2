import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Mode of private key files: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of certificates: public, readable by anyone who may enter the directory. */
export const PUBLIC_FILE_MODE = 0o644;
/** Mode of the directory holding the keys: only its owner may list or enter it. */
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and its parents) if needed and sets its mode to 0700, even if it existed. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/**
 * Writes `data` to `path` atomically: a new temporary file in the same directory, created with
 * `mode` (and set to it regardless of the umask), flushed to disk, then renamed over `path`. A
 * reader sees the old file or the new one, never a partial one; a key is never readable by
 * others, not even while being written.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
