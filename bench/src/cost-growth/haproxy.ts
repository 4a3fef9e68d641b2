/**
 * HAProxy (Debian's package, /usr/sbin/haproxy) in front of server children for the cost-growth
 * benchmark: round-robin, keep-alive to the servers, no health checks (nothing fails here). Runs
 * in the foreground (`-db`) with a generated config.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../free-port.js';

/** A running HAProxy. */
export interface BenchBalancer {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Starts HAProxy on a free 127.0.0.1 port in front of `origins` (`http://127.0.0.1:<port>`);
 * resolves once it accepts connections (polled, at most 10 s).
 * @throws Error when it exits or does not listen in time.
 */
export async function startBalancer(origins: readonly string[], directory: string): Promise<BenchBalancer> {
  const port = await freePort();
  const config = [
    'global',
    '  maxconn 4000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend bench',
    `  bind 127.0.0.1:${port}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    ...origins.map((origin, i) => `  server s${i + 1} ${new URL(origin).host}`),
    '',
  ].join('\n');
  const path = join(directory, `haproxy-${port}.cfg`);
  await writeFile(path, config);
  const child = spawn('/usr/sbin/haproxy', ['-f', path, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString('utf8')).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${errors}`);
    const answered = await fetch(`${origin}/`).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`haproxy did not listen within 10 s: ${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { origin, close };
}
