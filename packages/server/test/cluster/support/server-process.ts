/**
 * One authorization server as production runs it: `node packages/server/dist/main.js` (the built
 * output; `npm test` builds first) in a child process, configured through its environment and a
 * config file. Ready when it logs "Server listening at"; killed with any signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built server entry point. */
export const SERVER_MAIN = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

/** How long a process may take to listen (it migrates the database first). */
const START_TIMEOUT_MS = 15_000;

/** Lines of output kept for error messages (the server never logs secrets). */
const KEPT_LINES = 20;

/** A running server process. */
export interface ServerProcess {
  /** A name for messages and HAProxy (`s1`, `s2`). */
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: the instance itself, bypassing the load balancer. */
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<string>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; harmless once it has ended. */
  stop(signal?: NodeJS.Signals): Promise<string>;
  /** The last lines it printed (stdout and stderr), for failure messages. */
  output(): string;
}

/** What {@link startServerProcess} takes. */
export interface ServerProcessOptions {
  readonly name: string;
  readonly port: number;
  /** Path of the JSON config file (`DEVICELOGIN_CONFIG`). */
  readonly configPath: string;
  /** Further environment variables (`DATABASE_URL`, `DEVICELOGIN_PUBLIC_URL`…). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Spawns the server on 127.0.0.1:`port` and resolves once it listens.
 * @throws {Error} (after killing it) when it exits or does not listen within 15 s, with its last
 * output lines.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      LOG_LEVEL: 'info',
      DEVICELOGIN_CONFIG: options.configPath,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let onLine: (line: string) => void = () => undefined;
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      onLine(line);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code ?? 'unknown'}`)),
  );
  const output = (): string => lines.join('\n');
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.name} did not listen within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      onLine = (line) => {
        if (line.includes('Server listening at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited before listening (${how})`));
      });
    });
  } catch (error) {
    await stop('SIGKILL');
    throw new Error(`${(error as Error).message}; its output:\n${output()}`, { cause: error });
  }
  onLine = () => undefined;
  if (child.pid === undefined) throw new Error(`${options.name} has no pid`);
  return {
    name: options.name,
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    pid: child.pid,
    exited,
    stop,
    output,
  };
}
