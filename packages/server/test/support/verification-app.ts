/**
 * A test-only app for the verification pages, mirroring app.ts's plugins (formbody, cookie with
 * the context's secret) around {@link registerVerification}, with a real in-memory SQLite store,
 * a fake clock, trust in X-Forwarded-For (so tests can speak from several IPs) and a logger
 * writing to a buffer. Listens on 127.0.0.1:0.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import { resolveServerConfig, type ServerConfig } from '../../src/config/defaults.js';
import type { ServerContext } from '../../src/context.js';
import { hashPassword, randomToken, sha256, userCodeHash } from '../../src/crypto.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { DeviceCodeRecord, NewDeviceCode, Store, UserRecord } from '../../src/store/store.js';
import { InProcessDeviceCodeEvents } from '../../src/events/in-process-events.js';
import { ServerMetrics } from '../../src/metrics/server-metrics.js';
import { SigningKeys } from '../../src/tokens/signing-keys.js';
import type { VerificationLimits } from '../../src/verification/limits.js';
import { registerVerification } from '../../src/verification/register.js';

export const CLIENT = { clientId: 'cli-app', name: 'Contoso CLI' } as const;
export const USER = {
  tenant: 'contoso',
  username: 'ada@contoso.example',
  displayName: 'Ada Lovelace',
  password: 'correct horse battery staple',
} as const;

/** A running verification app. */
export interface VerificationApp {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly store: Store;
  readonly clock: FakeClock;
  readonly context: ServerContext;
  /** The test user as stored. */
  readonly user: UserRecord;
  /** Everything the app logged, one JSON line per entry. */
  logs(): string;
  /** Creates a pending device code with the given user code (typed form, e.g. `BCDF-GHJK`). */
  issue(userCode: string, overrides?: Partial<NewDeviceCode>): Promise<DeviceCodeRecord>;
  /** The record of a user code as stored now. */
  record(userCode: string): Promise<DeviceCodeRecord>;
  close(): Promise<void>;
}

/** Test knobs of {@link startVerificationApp}. */
export interface VerificationAppOptions {
  readonly limits?: VerificationLimits;
  /** Wraps the SQLite store the pages get (e.g. to make a method fail). */
  readonly wrapStore?: (store: Store) => Store;
  /** Configuration on top of the test's (two tenants, a random `mfaEncryptionSecret`). */
  readonly config?: Partial<ServerConfig>;
}

/** Builds, seeds and starts the app. */
export async function startVerificationApp(options: VerificationAppOptions = {}): Promise<VerificationApp> {
  const lines: string[] = [];
  const clock = fakeClock(Date.now());
  const store = openSqliteStore({ path: ':memory:' });
  const config = resolveServerConfig({
    publicUrl: 'http://127.0.0.1',
    tenants: ['contoso', 'fabrikam'],
    mfaEncryptionSecret: randomBytes(32).toString('base64url'),
    ...options.config,
  });
  const context: ServerContext = {
    config,
    store: options.wrapStore?.(store) ?? store,
    clock,
    keys: new SigningKeys(store, clock),
    cookieSecret: randomBytes(32).toString('base64url'),
    metrics: new ServerMetrics({ processMetrics: false }),
    events: new InProcessDeviceCodeEvents((ms, signal) => clock.sleep(ms, signal)),
    dpopNonces: undefined,
  };
  await store.upsertClient({
    clientId: CLIENT.clientId,
    name: CLIENT.name,
    allowedScopes: '',
    deviceGrantEnabled: true,
    deepLinkEnabled: true,
  });
  const user: UserRecord = {
    id: randomUUID(),
    tenant: USER.tenant,
    username: USER.username,
    displayName: USER.displayName,
    passwordHash: await hashPassword(USER.password),
    disabled: false,
  };
  await store.upsertUser(user);

  const app = Fastify({
    logger: { level: 'trace', stream: { write: (line: string) => void lines.push(line) } },
    trustProxy: true,
  });
  await app.register(formbody);
  await app.register(cookie, { secret: context.cookieSecret });
  registerVerification(app, context, options.limits);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  const record = async (userCode: string): Promise<DeviceCodeRecord> => {
    const found = await store.findDeviceCodeByUserCode(userCodeHash(userCode));
    if (found === undefined) throw new Error('no such user code');
    return found;
  };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    store,
    clock,
    context,
    user,
    logs: () => lines.join(''),
    async issue(userCode, overrides = {}) {
      const now = clock.now();
      const created = await store.createDeviceCode({
        id: randomUUID(),
        deviceCodeHash: sha256(randomToken(32)),
        userCodeHash: userCodeHash(userCode),
        clientId: CLIENT.clientId,
        tenant: USER.tenant,
        scope: 'openid profile offline_access',
        createdAt: now,
        expiresAt: now + 15 * 60_000,
        interval: 5,
        requestIp: '203.0.113.7',
        requestUserAgent: 'devicelogin-cli/0.1 (linux)',
        ...overrides,
      });
      if (!created) throw new Error('user code collision');
      return record(userCode);
    },
    record,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
