import { homedir } from 'node:os';
import type * as ClientExports from '@devicelogin/client';
import type { FetchLike, KeyProvider, PublicClientConfiguration } from '@devicelogin/client';
import { systemClock as protocolSystemClock, type Clock } from '@devicelogin/protocol';
import { processIO, type CliIO } from './io.js';

/** The clock the CLI and the client share: `now()` and an abortable `sleep`. */
export type CliClock = Clock;

/** The client module, loaded on first use so that `config` and `--help` never pay for it. */
export type ClientModule = typeof ClientExports;

/**
 * Everything a command touches outside its arguments (cli/cli's `Factory`): streams, environment,
 * clock, home directory, the Ctrl+C signal, HTTP, and the keyring. Only {@link processContext}
 * reads globals; tests build their own.
 */
export interface CliContext {
  readonly io: CliIO;
  /** Environment variables: `DEVICELOGIN_*`, `XDG_*`, `NO_COLOR`, `KUBERNETES_EXEC_INFO`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: CliClock;
  /** The user's home directory (default locations of config and token cache). */
  readonly homeDir: string;
  /** Aborts on Ctrl+C (SIGINT): sign-ins and requests stop, the command exits 130. */
  readonly signal: AbortSignal;
  /** HTTP for `devicelogin api` and, when set, for the client (`system.fetch`). */
  readonly fetch: FetchLike | undefined;
  /**
   * Where the cache encryption key lives for the cache file at `cachePath`. Default: the OS
   * keyring (`keyringKeyProvider`). Tests give a static key ("a keyring is there") or one that
   * throws `KeyringUnavailableError`.
   */
  readonly keyProvider: ((cachePath: string) => KeyProvider) | undefined;
  /**
   * How hints tell the user to delete the token cache and sign in again, completing "then …"
   * (default: `run 'devicelogin logout --all' and sign in again`). The `npm start` demo, whose
   * cache is its own file and whose `devicelogin` is not on the PATH, names what works there.
   */
  readonly startOver?: string;
  /** Extra client settings merged into every `PublicClientApplication` (tests: a clock). */
  readonly clientSystem?: PublicClientConfiguration['system'];
  /** Loads `@devicelogin/client` (lazily, once). */
  loadClient(): Promise<ClientModule>;
}

let clientModule: Promise<ClientModule> | undefined;

/** Imports `@devicelogin/client` once per process. */
export function loadClientModule(): Promise<ClientModule> {
  clientModule ??= import('@devicelogin/client');
  return clientModule;
}

/** The system clock with an abortable sleep (the protocol package's). */
export const systemClock: CliClock = protocolSystemClock;

/**
 * The real process: its streams and environment, and a signal that aborts on the first Ctrl+C
 * (a second Ctrl+C exits at once with 130).
 */
export function processContext(): CliContext {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('Interrupted (Ctrl+C)'));
  });
  return {
    io: processIO(),
    env: process.env,
    clock: systemClock,
    homeDir: homedir(),
    signal: controller.signal,
    fetch: undefined,
    keyProvider: undefined,
    loadClient: loadClientModule,
  };
}
