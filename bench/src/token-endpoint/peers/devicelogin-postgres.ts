import { DEVICELOGIN_REQUESTS, TENANT, startDevicelogin } from './devicelogin-app.js';
import type { TokenPeer } from './peer.js';

/**
 * Ours on PostgreSQL: the same `buildApp`, the store selected by `databaseUrl` (a fresh database
 * of the local PostgreSQL 15 the harness creates and drops), pool of 10, logger off.
 */
export const peer: TokenPeer = {
  name: '@devicelogin/server 0.1.0 (PostgreSQL)',
  setup:
    'buildApp with databaseUrl: local PostgreSQL 15 over TCP on 127.0.0.1, a fresh database, pool 10, logger off; ' +
    `codes issued on POST /${TENANT}/oauth2/v2.0/devicecode`,
  ...DEVICELOGIN_REQUESTS,
  start(settings) {
    if (settings.databaseUrl === undefined) throw new Error('ours on PostgreSQL needs a databaseUrl');
    return startDevicelogin(settings, { databaseUrl: settings.databaseUrl, databasePoolSize: 10 }, () =>
      Promise.resolve({}),
    );
  },
};
