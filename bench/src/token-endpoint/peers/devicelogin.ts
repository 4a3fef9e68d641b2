import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEVICELOGIN_REQUESTS, TENANT, startDevicelogin } from './devicelogin-app.js';
import type { TokenPeer } from './peer.js';

/** Sizes of the database and its WAL and shared-memory files (absent ones are left out). */
async function sqliteFiles(path: string): Promise<Record<string, number>> {
  const files: Record<string, number> = {};
  for (const [name, file] of [
    ['sqlite', path],
    ['sqlite-wal', `${path}-wal`],
    ['sqlite-shm', `${path}-shm`],
  ] as const) {
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined) files[name] = info.size;
  }
  return files;
}

/**
 * Ours: `buildApp` from @devicelogin/server as the package exports it, on a SQLite FILE in WAL
 * mode (the default deployment), the clients registered through the configuration, no logger.
 */
export const peer: TokenPeer = {
  name: '@devicelogin/server 0.1.0',
  setup:
    'buildApp, SQLite file (WAL, synchronous=NORMAL) in a temp directory, logger off, clients from the config; ' +
    `codes issued on POST /${TENANT}/oauth2/v2.0/devicecode`,
  ...DEVICELOGIN_REQUESTS,
  start(settings) {
    const sqlitePath = join(settings.directory, 'devicelogin.sqlite');
    return startDevicelogin(settings, { sqlitePath }, () => sqliteFiles(sqlitePath));
  },
};
