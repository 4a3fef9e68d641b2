/**
 * HAProxy (Debian's `haproxy` package, `apt-get install -y haproxy`; .ci/run installs it) in front
 * of server processes: round-robin, active health checks, retries with redispatch so that a
 * killed instance's share of requests goes to the others. Runs in the foreground (`-db`) as a
 * child process with a generated config file; every answer carries `x-served-by: <server name>`.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the `haproxy` binary is expected. */
export const HAPROXY_PATH = '/usr/sbin/haproxy';

/** One backend server. */
export interface Backend {
  readonly name: string;
  readonly port: number;
}

/** A running HAProxy. */
export interface LoadBalancer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for the exit; harmless twice. */
  close(): Promise<void>;
}

/** What {@link startHaproxy} takes. */
export interface HaproxyOptions {
  readonly port: number;
  readonly backends: readonly Backend[];
  /** Directory for the generated config file. */
  readonly directory: string;
  /** Health check request path (`/healthz`). */
  readonly healthPath: string;
}

/**
 * The config: `retries 3` with `option redispatch 1` (each retry may pick another server) and
 * `retry-on conn-failure empty-response` (a refused connection or a connection closed without an
 * answer, as from a process killed by SIGKILL, is retried; a 503 from a live instance is not: it
 * is an answer the client must see, with its Retry-After). Health checks every 300 ms, down after 2
 * failures. `option forwardfor` appends the client's address to `X-Forwarded-For`, which the
 * instances believe from 127.0.0.1 (`trustProxy`, cluster.ts), as docs/deployment.md shows.
 */
export function haproxyConfig(options: Pick<HaproxyOptions, 'port' | 'backends' | 'healthPath'>): string {
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response',
    '  option forwardfor',
    'frontend devicelogin',
    `  bind 127.0.0.1:${options.port}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    `  option httpchk GET ${options.healthPath}`,
    '  http-check expect status 200',
    '  http-response set-header x-served-by %s',
    '  default-server inter 300ms fall 2 rise 1',
    ...options.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
    '',
  ].join('\n');
}

/**
 * Writes the config and starts `haproxy -f <cfg> -db`; resolves once `healthPath` answers 200
 * through it (polled, at most 10 s).
 * @throws {Error} when HAProxy exits or never answers, with its output.
 */
export async function startHaproxy(options: HaproxyOptions): Promise<LoadBalancer> {
  const configPath = join(options.directory, 'haproxy.cfg');
  await writeFile(configPath, haproxyConfig(options));
  const child = spawn(HAPROXY_PATH, ['-f', configPath, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString('utf8')).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    })());
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode})`);
      const response = await fetch(`${url}${options.healthPath}`).catch(() => undefined);
      return response?.status === 200;
    }, 10_000);
  } catch (error) {
    await close();
    throw new Error(`HAProxy did not start: ${(error as Error).message}; its output:\n${output}`, { cause: error });
  }
  return { url, port: options.port, close };
}

/**
 * Calls `check` every 50 ms until it returns true.
 * @throws {Error} when `timeoutMs` passes first, or with `check`'s own error.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
