import type * as fsPromises from 'node:fs/promises';

/**
 * The file-system calls the file persistence makes (a subset of `node:fs/promises`), injected so
 * tests can count or fail them. The default is `node:fs/promises` itself.
 */
export type CacheFileSystem = Pick<
  typeof fsPromises,
  'open' | 'stat' | 'rename' | 'unlink' | 'mkdir' | 'readdir' | 'link'
>;

/** The `code` of a Node.js system error (`ENOENT`, `EEXIST`…), or undefined. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}
