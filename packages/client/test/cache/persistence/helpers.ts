import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import type { CacheWarning } from '../../../src/cache/persistence.js';
import type { SerializedAccount, SerializedCache } from '../../../src/cache/schema.js';
import type { Logger } from '../../../src/logger.js';

const distEntry = fileURLToPath(new URL('../../../dist/cache/file-persistence.js', import.meta.url));

/** Path of a worker script in ./workers. Fails clearly when the client was not built. */
export function workerPath(name: 'update-worker.mjs' | 'crash-writer.mjs'): string {
  if (!existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`npx tsc -b\` before these tests.`);
  return fileURLToPath(new URL(`./workers/${name}`, import.meta.url));
}

/** A running child process with its stdout split into lines. */
export interface Worker {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the next stdout line (rejects if the child exits first). */
  nextLine(): Promise<string>;
  /** Everything the child wrote on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node <script> <JSON config>`. */
export function startWorker(script: string, config: unknown, options: { stdin?: boolean } = {}): Worker {
  const child = spawn(process.execPath, [script, JSON.stringify(config)], {
    stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start a worker process');
  let errText = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errText += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines: string[] = [];
  const waiters: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let closed = false;
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter === undefined) lines.push(line);
    else waiter.resolve(line);
  });
  reader.on('close', () => {
    closed = true;
    for (const waiter of waiters.splice(0)) {
      waiter.reject(new Error(`worker ${child.pid} ended its output; stderr: ${errText}`));
    }
  });
  return {
    child,
    pid: child.pid,
    exited,
    stderr: () => errText,
    nextLine() {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (closed) return Promise.reject(new Error(`worker ${child.pid} ended its output; stderr: ${errText}`));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}

/** The pid of a process that has run and exited (and been reaped) on this host. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await new Promise((resolve) => child.once('exit', resolve));
  if (pid === undefined) throw new Error('could not start a process');
  return pid;
}

/** A process that sleeps until killed. */
export async function sleepingProcess(): Promise<{ pid: number; kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9); console.log("up")'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid!,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Writes a lock file as another owner would have. */
export async function writeLockFile(
  lockPath: string,
  owner: { pid: number; hostname?: string; createdAt: number; threadId?: number },
): Promise<string> {
  const text = JSON.stringify({
    pid: owner.pid,
    threadId: owner.threadId ?? 0,
    hostname: owner.hostname ?? hostname(),
    createdAt: owner.createdAt,
    nonce: 'planted-by-test',
  });
  await writeFile(lockPath, text, { mode: 0o600 });
  return text;
}

/** An account entry whose key and ids are `key`. */
export function account(key: string, extra: Record<string, unknown> = {}): SerializedAccount {
  return {
    home_account_id: key,
    environment: 'login.example.test',
    realm: 'tenant',
    local_account_id: key,
    username: `${key}@example.test`,
    authority_type: 'MSSTS',
    ...extra,
  };
}

/** A mutation adding one account. */
export function addAccount(key: string, extra: Record<string, unknown> = {}) {
  return (cache: SerializedCache): SerializedCache => ({
    ...cache,
    Account: { ...cache.Account, [key]: account(key, extra) },
  });
}

/** A mutation adding a refresh token whose secret is `secret`. */
export function addRefreshToken(secret: string) {
  return (cache: SerializedCache): SerializedCache => ({
    ...cache,
    RefreshToken: {
      ...cache.RefreshToken,
      'uid.utid-login.example.test-refreshtoken-cid----': {
        home_account_id: 'uid.utid',
        environment: 'login.example.test',
        credential_type: 'RefreshToken',
        client_id: 'cid',
        secret,
      },
    },
  });
}

/** Collects log lines and warnings. */
export function recorder(): {
  lines: string[];
  warnings: CacheWarning[];
  logger: Logger;
  onWarning: (warning: CacheWarning) => void;
} {
  const lines: string[] = [];
  const warnings: CacheWarning[] = [];
  return {
    lines,
    warnings,
    logger: (level, message) => lines.push(`${level} ${message}`),
    onWarning: (warning) => warnings.push(warning),
  };
}

/**
 * Temporary cache files for one test file: `cachePath()` gives a path in a fresh temp directory;
 * `defer(step)` queues other clean-up (a child process to kill). After each test every queued step
 * runs, in the order queued.
 */
export function useTempCaches(relativePath = 'tokens.json'): {
  readonly cachePath: () => Promise<string>;
  readonly defer: (step: () => Promise<void>) => void;
} {
  const steps: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of steps.splice(0)) await step();
  });
  return {
    cachePath: async () => {
      const dir = await tempDir();
      steps.push(() => dir.remove());
      return join(dir.path, relativePath);
    },
    defer: (step) => void steps.push(step),
  };
}
