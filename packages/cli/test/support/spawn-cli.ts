import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `devicelogin` (the esbuild bundle the package's bin points to). */
export const BIN = fileURLToPath(new URL('../../dist/bundle/devicelogin.cjs', import.meta.url));
/** The built `git-credential-devicelogin`. */
export const GIT_BIN = fileURLToPath(new URL('../../dist/bundle/git-credential-devicelogin.cjs', import.meta.url));

/** A running CLI process with its output so far. */
export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in stderr as soon as it appears; rejects if the process ends first. */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or 128 + signal number). */
  exited: Promise<number>;
}

/** Spawns `node <bin> …args` with exactly `env` (plus PATH), stdin closed unless `stdin` is given. */
export function spawnCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  stdin = '',
  bin = BIN,
): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const waiter of [...waiters]) waiter();
  });
  child.stdin.end(stdin);
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 128))),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = err.match(pattern);
          if (match !== null) {
            waiters.delete(check);
            resolve(match);
          }
        };
        waiters.add(check);
        check();
        void exited.then((code) => {
          if (waiters.has(check)) reject(new Error(`exited ${code} before ${pattern}; stderr:\n${err}`));
        });
      }),
  };
}
