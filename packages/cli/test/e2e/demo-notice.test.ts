/**
 * The `npm start` demo on a machine without a keyring (these test machines): the plaintext-file
 * notice comes after the sign-in, names the demo's own cache file and tells how to start over
 * there — not `devicelogin logout --all`, which is not on the PATH and would act on the user's
 * own cache. Non-TTY (the demo in a terminal: demo.test.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, launchChromium, tempDir, type TestBrowser } from '@devicelogin/test-utils';
import { approveInChromium } from '../support/approve-in-chromium.js';

const DEMO = fileURLToPath(new URL('../../../../scripts/demo.mjs', import.meta.url));
const PASSWORD = 'demo-password-for-the-notice-test';

let browser: TestBrowser;
let dir: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  [browser, dir] = await Promise.all([launchChromium(), tempDir('devicelogin-demo-notice-')]);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await dir?.remove();
});

/** Runs the demo with pipes; `onStderr` sees its stderr as it grows. */
function runDemo(port: number, onStderr: (text: string) => void): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, [DEMO], {
    cwd: dir.path,
    env: { PATH: process.env['PATH'], HOME: dir.path, PORT: String(port), DEMO_PASSWORD: PASSWORD },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    onStderr(stderr);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stderr })));
}

describe('npm start without a keyring', () => {
  it("says where the tokens went after the sign-in, with the demo's way to start over", async () => {
    const port = await freePort();
    let approving: Promise<void> | undefined;
    const first = await runDemo(port, (text) => {
      const code = /enter the code (\S+)\n/.exec(text)?.[1];
      if (code !== undefined && approving === undefined) {
        approving = approveInChromium(browser, `http://127.0.0.1:${port}/device`, code, {
          username: 'ada@contoso.example',
          password: PASSWORD,
        });
      }
    });
    await approving;
    expect(first.code, first.stderr).toBe(0);
    const cacheFile = join(dir.path, '.devicelogin', 'token-cache.json');
    const notice =
      `No OS keyring is available: the token cache is stored unencrypted in ${cacheFile} (mode 0600).\n` +
      'To keep it in the OS keyring instead: run in a desktop session, or start a Secret Service ' +
      '(Debian/Ubuntu: apt-get install gnome-keyring dbus; see docs/cache.md), ' +
      'then delete .devicelogin/token-cache.json and run npm start again.\n';
    expect(first.stderr.split(notice)).toHaveLength(2);
    expect(first.stderr.indexOf(notice)).toBeGreaterThan(first.stderr.indexOf('Signed in as ada@contoso.example'));
    expect(first.stderr).not.toContain('logout --all');

    const second = await runDemo(port, () => undefined);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('Reusing the cached token');
    expect(second.stderr).not.toContain('No OS keyring');
  }, 60_000);
});
