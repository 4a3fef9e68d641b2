import { join } from 'node:path';
import { KeyringUnavailableError, staticKeyProvider, type KeyProvider } from '@devicelogin/client';
import { tempDir } from '@devicelogin/test-utils';
import { loadClientModule, systemClock, type CliContext } from '../../src/context.js';
import { testIO, type TestIO, type TestIOOptions } from './test-io.js';

/** Whether the test machine "has" a keyring: a fixed key, or none (this machine's real state). */
export type KeyringState = 'present' | 'absent';

/** A temporary home for the CLI: config dir and token cache path, removed by `remove()`. */
export interface CliHome {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly cachePath: string;
  remove(): Promise<void>;
}

/** A fresh config dir and cache file location under a temporary directory. */
export async function cliHome(): Promise<CliHome> {
  const dir = await tempDir('devicelogin-cli-');
  const cachePath = join(dir.path, 'state', 'token-cache.json');
  return {
    dir: dir.path,
    cachePath,
    env: { DEVICELOGIN_CONFIG_DIR: join(dir.path, 'config'), DEVICELOGIN_CACHE_FILE: cachePath },
    remove: () => dir.remove(),
  };
}

const KEY = new Uint8Array(32).fill(7);

function keyProviderFor(state: KeyringState): (cachePath: string) => KeyProvider {
  if (state === 'present') return () => staticKeyProvider(KEY, 'test keyring');
  const unavailable = (): Promise<never> => Promise.reject(new KeyringUnavailableError(new Error('no D-Bus')));
  return () => ({ description: 'no keyring', getKey: unavailable, createKey: unavailable });
}

/** A test context and what the test controls: its IO and its Ctrl+C. */
export interface TestContext {
  readonly context: CliContext;
  readonly io: TestIO;
  /** Simulates Ctrl+C. */
  interrupt(): void;
}

/** Options of {@link testContext}. */
export interface TestContextOptions extends TestIOOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly keyring?: KeyringState;
}

/** A context for running commands in-process against real servers, with a captured IO. */
export function testContext(home: CliHome, options: TestContextOptions = {}): TestContext {
  const io = testIO(options);
  const controller = new AbortController();
  return {
    io,
    interrupt: () => controller.abort(new Error('Interrupted (test)')),
    context: {
      io,
      env: { ...home.env, ...options.env },
      clock: systemClock,
      homeDir: home.dir,
      signal: controller.signal,
      fetch: undefined,
      keyProvider: keyProviderFor(options.keyring ?? 'absent'),
      loadClient: loadClientModule,
    },
  };
}
