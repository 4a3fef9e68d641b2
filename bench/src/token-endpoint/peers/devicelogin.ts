import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEVICE_CODE_GRANT_TYPE, SCOPE, type TokenPeer } from './peer.js';

const TENANT = 'contoso';

/** The server's storage hash (SHA-256, base64url), as packages/server/src/crypto.ts computes it. */
function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

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
  tokenPath: `/${TENANT}/oauth2/v2.0/token`,
  deviceAuthorizationPath: `/${TENANT}/oauth2/v2.0/devicecode`,
  deviceAuthorizationForm: (clientId) => ({ client_id: clientId, scope: SCOPE }),
  tokenForm: (deviceCode, clientId) => ({
    grant_type: DEVICE_CODE_GRANT_TYPE,
    client_id: clientId,
    device_code: deviceCode,
  }),
  async start(settings) {
    const { buildApp } = await import('@devicelogin/server');
    const sqlitePath = join(settings.directory, 'devicelogin.sqlite');
    const { app, context } = await buildApp({
      config: {
        // Only verification URIs use it: the token path never does.
        publicUrl: 'http://127.0.0.1',
        sqlitePath,
        pollIntervalSeconds: settings.pollIntervalSeconds,
        clients: settings.clientIds.map((clientId) => ({ clientId, name: `bench ${clientId}` })),
      },
    });
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const { config, store, clock } = context;
    // Device codes of `fill`, derived from a seed and an index so that none is kept in memory.
    const seed = randomBytes(16).toString('hex');
    const deviceCodeOf = (index: number): string => sha256(`${seed}:${index}`);
    let filled: { count: number; clientId: string } | undefined;
    return {
      origin,
      // Store API, one createDeviceCode (its own immediate transaction) per code, as the
      // endpoint does after its rate-limit counters.
      async fill(count, clientId) {
        const now = clock.now();
        for (let i = 0; i < count; i += 1) {
          const stored = await store.createDeviceCode({
            id: randomUUID(),
            deviceCodeHash: sha256(deviceCodeOf(i)),
            userCodeHash: sha256(randomBytes(8).toString('hex')),
            clientId,
            tenant: TENANT,
            scope: SCOPE,
            createdAt: now,
            expiresAt: now + config.deviceCodeTtlSeconds * 1000,
            interval: config.pollIntervalSeconds,
            requestIp: '127.0.0.1',
            requestUserAgent: 'devicelogin-bench',
          });
          if (!stored) throw new Error('user code collision while filling');
        }
        filled = { count, clientId };
      },
      // app.inject: the whole route (parsing, hooks, grant, poll tracker, error handler), no socket.
      async pollEach() {
        const answers: Record<string, number> = {};
        for (let i = 0; i < (filled?.count ?? 0); i += 1) {
          const response = await app.inject({
            method: 'POST',
            url: peer.tokenPath,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams(peer.tokenForm(deviceCodeOf(i), filled?.clientId ?? '')).toString(),
          });
          const key = `${response.statusCode} ${String(response.json<{ error?: unknown }>().error)}`;
          answers[key] = (answers[key] ?? 0) + 1;
        }
        return answers;
      },
      files: () => sqliteFiles(sqlitePath),
      close: () => app.close(),
    };
  },
};
