import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { main } from '../../src/main.js';
import { testContext, type CliHome } from './cli-env.js';
import { startTestServer, CLIENT_ID, USER, type TestServer } from '../../../server/test/support/test-server.js';

export { CLIENT_ID, USER, type TestServer };

/** The authorization server for CLI tests: real HTTP on 127.0.0.1, 1 s polling interval. */
export function startCliServer(): Promise<TestServer> {
  return startTestServer({ pollIntervalSeconds: 1 });
}

/** The command-line flags that target the test server's contoso tenant. */
export function targetArgs(server: TestServer): string[] {
  return [
    '--authority',
    `${server.url}/contoso`,
    '--client-id',
    CLIENT_ID,
    '--scopes',
    'openid profile offline_access api://demo/read',
  ];
}

/** The user code in the CLI's non-TTY stderr ("… enter the code XXXX-XXXX"). */
export const USER_CODE = /enter the code (\S+)\n/;

/**
 * Signs in once (in-process `devicelogin login`, approved through the real pages) and returns
 * the token cache file's bytes, for tests that start signed in: write them to a fresh home's
 * cache path.
 */
export async function signedInCache(server: TestServer, home: CliHome, extra: readonly string[] = []): Promise<Buffer> {
  const test = testContext(home);
  const exit = main(['login', ...targetArgs(server), ...extra], test.context);
  const [, code] = await test.io.waitForStderr(USER_CODE);
  await server.signInAndApprove(code!);
  if ((await exit) !== 0) throw new Error(`login failed:\n${test.io.stderrText()}`);
  return readFile(home.cachePath);
}

/** Puts a cache captured by {@link signedInCache} in `home`. */
export async function restoreCache(home: CliHome, cache: Buffer): Promise<void> {
  await mkdir(dirname(home.cachePath), { recursive: true, mode: 0o700 });
  await writeFile(home.cachePath, cache, { mode: 0o600 });
}
