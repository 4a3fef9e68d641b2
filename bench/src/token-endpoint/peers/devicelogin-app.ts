/**
 * Our server as the benchmark runs it, on either store: `buildApp` from @devicelogin/server as
 * the package exports it, logger off, the clients from the configuration. Shared by the SQLite
 * peer (devicelogin.ts) and the PostgreSQL one (devicelogin-postgres.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PeerSettings, RunningServer, TokenPeer } from './peer.js';
import { DEVICE_CODE_GRANT_TYPE, SCOPE } from './peer.js';

export const TENANT = 'contoso';

/** The server's storage hash (SHA-256, base64url), as packages/server/src/crypto.ts computes it. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Request shapes of our server. */
export const DEVICELOGIN_REQUESTS: Pick<
  TokenPeer,
  'tokenPath' | 'deviceAuthorizationPath' | 'deviceAuthorizationForm' | 'tokenForm'
> = {
  tokenPath: `/${TENANT}/oauth2/v2.0/token`,
  deviceAuthorizationPath: `/${TENANT}/oauth2/v2.0/devicecode`,
  deviceAuthorizationForm: (clientId) => ({ client_id: clientId, scope: SCOPE }),
  tokenForm: (deviceCode, clientId) => ({
    grant_type: DEVICE_CODE_GRANT_TYPE,
    client_id: clientId,
    device_code: deviceCode,
  }),
};

/** Codes created at once by `fill` (each its own store call, as the endpoint makes them). */
const FILL_IN_FLIGHT = 32;

/**
 * Builds and starts our app on 127.0.0.1:0 with `store` settings (`sqlitePath` or `databaseUrl`);
 * `files` reports the store's files.
 */
export async function startDevicelogin(
  settings: PeerSettings,
  storeConfig: { readonly sqlitePath: string } | { readonly databaseUrl: string; readonly databasePoolSize: number },
  files: () => Promise<Record<string, number>>,
): Promise<RunningServer> {
  const { buildApp } = await import('@devicelogin/server');
  const { app, context } = await buildApp({
    config: {
      // Only verification URIs use it: the token path never does.
      publicUrl: 'http://127.0.0.1',
      ...storeConfig,
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
    // Store API, one createDeviceCode per code (its own transaction), as the endpoint does after
    // its rate-limit counters; up to FILL_IN_FLIGHT at once (the PostgreSQL pool serves several).
    async fill(count, clientId) {
      const now = clock.now();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          const index = next;
          next += 1;
          const stored = await store.createDeviceCode({
            id: randomUUID(),
            deviceCodeHash: sha256(deviceCodeOf(index)),
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
      };
      await Promise.all(Array.from({ length: FILL_IN_FLIGHT }, worker));
      filled = { count, clientId };
      return Array.from({ length: count }, (_, index) => deviceCodeOf(index));
    },
    // app.inject: the whole route (parsing, hooks, grant, poll tracker, error handler), no socket.
    async pollEach() {
      const answers: Record<string, number> = {};
      for (let i = 0; i < (filled?.count ?? 0); i += 1) {
        const response = await app.inject({
          method: 'POST',
          url: DEVICELOGIN_REQUESTS.tokenPath,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(
            DEVICELOGIN_REQUESTS.tokenForm(deviceCodeOf(i), filled?.clientId ?? ''),
          ).toString(),
        });
        const key = `${response.statusCode} ${String(response.json<{ error?: unknown }>().error)}`;
        answers[key] = (answers[key] ?? 0) + 1;
      }
      return answers;
    },
    files,
    close: () => app.close(),
  };
}
