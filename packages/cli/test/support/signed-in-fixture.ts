import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { cliHome, type CliHome } from './cli-env.js';
import { signedInCache, startCliServer, type TestServer } from './cli-server.js';

/** What {@link useSignedInFixture} provides to each test (read inside tests, not at load time). */
export interface SignedInFixture {
  /** The test authorization server, started once per file. */
  readonly server: TestServer;
  /** A token cache file's bytes with the test user signed in (one real device-code sign-in). */
  readonly cache: Buffer;
  /** A fresh, empty CLI home (config + cache directories) for each test. */
  readonly home: CliHome;
}

/**
 * Registers the hooks most command test files share: one server and one signed-in cache per file,
 * a fresh CLI home per test, everything removed afterwards.
 */
export function useSignedInFixture(): SignedInFixture {
  let server: TestServer | undefined;
  let cache: Buffer | undefined;
  let home: CliHome | undefined;
  beforeAll(async () => {
    server = await startCliServer();
    const first = await cliHome();
    cache = await signedInCache(server, first);
    await first.remove();
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    home = await cliHome();
  });
  afterEach(() => home?.remove());
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is only available inside a test`);
    return value;
  };
  return {
    get server() {
      return ready(server, 'server');
    },
    get cache() {
      return ready(cache, 'cache');
    },
    get home() {
      return ready(home, 'home');
    },
  };
}
