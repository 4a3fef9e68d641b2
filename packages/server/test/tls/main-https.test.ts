import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, tempDir } from '@devicelogin/test-utils';
import { httpsGet } from './https-get.js';

// The built entry point (`npm run build` first, like every test importing @devicelogin/server).
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

let temp: Awaited<ReturnType<typeof tempDir>>;
let running: ChildProcessWithoutNullStreams | undefined;
beforeEach(async () => {
  temp = await tempDir('devicelogin-main-https-');
});
afterEach(async () => {
  if (running !== undefined && running.exitCode === null) {
    const exited = new Promise((resolve) => running?.once('close', resolve));
    running.kill('SIGTERM');
    await exited;
  }
  running = undefined;
  await temp.remove();
});

/** Starts main.js with `args` and `env`; resolves once it listens, with what it wrote on stderr. */
async function startMain(args: string[], env: Record<string, string>): Promise<{ port: number; stderr: () => string }> {
  const port = await freePort();
  // No configuration file: the defaults, with the SQLite file in the temporary working directory.
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: temp.path,
    env: { PATH: process.env['PATH'] ?? '', XDG_DATA_HOME: join(temp.path, 'data'), PORT: String(port), ...env },
  });
  running = child;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('Server listening at https://127.0.0.1:')) resolve();
    });
    child.once('close', (code) => reject(new Error(`main.js exited (${code}): ${stderr}`)));
  });
  return { port, stderr: () => stderr };
}

describe('main.js --https', () => {
  it('serves TLS from a CA under $XDG_DATA_HOME and prints once how to trust it; reuses it next time', async () => {
    const caPath = join(temp.path, 'data', 'devicelogin', 'tls', 'ca.pem');
    const first = await startMain(['--https'], {});
    const url = `https://127.0.0.1:${first.port}`;
    expect(first.stderr()).toBe(
      [
        `devicelogin-server: serving HTTPS at ${url} with a certificate from a local CA (just created).`,
        `  CA certificate: ${caPath}`,
        `  Node clients (MSAL, devicelogin): export NODE_EXTRA_CA_CERTS=${caPath}   (read at process start)`,
        `  curl: curl --cacert ${caPath} ${url}/common/v2.0/.well-known/openid-configuration`,
        '  Trust it only on this machine: anyone holding its key (ca-key.pem, 0600) can impersonate any site to those clients.',
        '',
      ].join('\n'),
    );
    const ca = await readFile(caPath, 'utf8');
    const answer = await httpsGet(`${url}/common/v2.0/.well-known/openid-configuration`, { ca });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ issuer: `${url}/common` });
    expect(first.stderr()).not.toMatch(/PRIVATE KEY/);

    running?.kill('SIGTERM');
    await new Promise((resolve) => running?.once('close', resolve));
    // HTTPS=1 is the same switch; the CA made by the first start is reused.
    const second = await startMain([], { HTTPS: '1' });
    expect(second.stderr()).toContain('with a certificate from a local CA.\n');
    const again = await httpsGet(`https://127.0.0.1:${second.port}/common/v2.0/.well-known/openid-configuration`, {
      ca,
    });
    expect(again.status).toBe(200);
  });
});
