import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import { buildApp, openSqliteStore, type BuildOptions, type BuiltApp, type ServerConfig } from '@devicelogin/server';
import { userCodeHash } from '../../src/crypto.js';

/** A free TCP port on 127.0.0.1 (the server's public URL must be known before it is built). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const CLIENT_ID = 'cli-app';
export const USER = {
  tenant: 'contoso',
  username: 'ada@contoso.example',
  displayName: 'Ada Lovelace',
  password: 'correct horse battery staple',
};

/** A running server with the objects tests need. */
export interface TestServer extends BuiltApp {
  /**
   * Where it listens: `http://127.0.0.1:<port>` (its `publicUrl` unless `publicScheme` is https),
   * or `https://127.0.0.1:<port>` with the `https` option.
   */
  readonly url: string;
  readonly clock: FakeClock;
  /** Approves a user code as the test user (what the consent page does). */
  approve(userCode: string, scope?: string): Promise<void>;
  deny(userCode: string): Promise<void>;
  close(): Promise<void>;
}

/** How the test server is exposed, besides its configuration. */
export interface TestServerOptions {
  /**
   * Scheme of the configured `publicUrl` (default `http`). With `https` the server still listens
   * on plain http at `url`, but announces `https://127.0.0.1:<port>` (issuer, endpoints): for
   * clients that demand an https authority and reach the server through a scheme-rewriting
   * transport (msal-node's `system.networkClient`).
   */
  readonly publicScheme?: 'http' | 'https';
  /** Fastify's logger option, passed to `buildApp` (default: off). */
  readonly logger?: BuildOptions['logger'];
  /**
   * Serve real TLS with this key and certificate (`buildApp`'s `https`): `url` and `publicUrl` are
   * then both `https://127.0.0.1:<port>`, and `publicScheme` is ignored.
   */
  readonly https?: BuildOptions['https'];
}

/** Starts the server on 127.0.0.1 with an in-memory SQLite store and a fake clock. */
export async function startTestServer(
  config: Partial<ServerConfig> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const port = await freePort();
  const url = `${options.https === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  const clock = fakeClock(Date.now());
  const publicScheme = options.https === undefined ? (options.publicScheme ?? 'http') : 'https';
  const built = await buildApp({
    config: {
      publicUrl: `${publicScheme}://127.0.0.1:${port}`,
      tenants: ['contoso', 'fabrikam'],
      clients: [{ clientId: CLIENT_ID, name: 'Contoso CLI' }],
      users: [USER],
      ...config,
    },
    store: openSqliteStore({ path: ':memory:' }),
    clock,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.https === undefined ? {} : { https: options.https }),
  });
  await built.app.listen({ port, host: '127.0.0.1' });
  const find = async (userCode: string) => {
    const record = await built.context.store.findDeviceCodeByUserCode(userCodeHash(userCode));
    if (record === undefined) throw new Error('unknown user code');
    return record;
  };
  return {
    ...built,
    url,
    clock,
    async approve(userCode, scope) {
      const record = await find(userCode);
      const user = await built.context.store.findUser(USER.tenant, USER.username);
      const ok = await built.context.store.approveDeviceCode(record.id, user!.id, scope ?? record.scope, clock.now());
      if (!ok) throw new Error('approval refused');
    },
    async deny(userCode) {
      const ok = await built.context.store.denyDeviceCode((await find(userCode)).id, clock.now());
      if (!ok) throw new Error('deny refused');
    },
    close: () => built.app.close(),
  };
}

/** POSTs a form and returns status, headers and parsed JSON body. */
export async function postForm(
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
