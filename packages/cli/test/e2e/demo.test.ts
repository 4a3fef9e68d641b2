/**
 * The `npm start` demo in a pseudo-terminal (util-linux `script`), completed in Chromium:
 * `node scripts/demo.mjs` is what `npm start` runs after building (npm test builds first).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, tempDir, type TestBrowser } from '@devicelogin/test-utils';
import { freePort } from '../../../server/test/support/test-server.js';
import { approveInChromium } from '../support/approve-in-chromium.js';

const DEMO = fileURLToPath(new URL('../../../../scripts/demo.mjs', import.meta.url));
const PASSWORD = 'demo-password-for-the-test';

let browser: TestBrowser;
let dir: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  [browser, dir] = await Promise.all([launchChromium(), tempDir('devicelogin-demo-')]);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await dir?.remove();
});

/** Runs the demo in a pty; `onOutput` sees the terminal text (ANSI removed) as it grows. */
function runDemo(port: number, onOutput: (text: string) => void): Promise<{ code: number; text: string }> {
  const child = spawn('script', ['-qfec', `node ${DEMO}`, '/dev/null'], {
    cwd: dir.path,
    env: { PATH: process.env['PATH'], HOME: dir.path, PORT: String(port), DEMO_PASSWORD: PASSWORD, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    // eslint-disable-next-line no-control-regex -- strips the terminal's escape sequences
    text += chunk.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n');
    onOutput(text);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, text })));
}

describe('npm start (the demo) in a terminal', () => {
  it('first run: sign in through Chromium, then /api/me; second run: the cached token, silently', async () => {
    const port = await freePort();
    let approving: Promise<void> | undefined;
    const first = await runDemo(port, (text) => {
      const code = /enter the code:\n+\s+([A-Z]{4}-[A-Z]{4})\n/.exec(text)?.[1];
      if (code !== undefined && approving === undefined && text.includes('code expires in')) {
        approving = approveInChromium(browser, `http://127.0.0.1:${port}/device`, code, {
          username: 'ada@contoso.example',
          password: PASSWORD,
        });
      }
    });
    await approving;
    expect(first.code, first.text).toBe(0);
    expect(first.text).toContain(`Demo account: ada@contoso.example / ${PASSWORD}`);
    expect(first.text).toContain('Signed in as ada@contoso.example (contoso)');
    expect(first.text).toMatch(/\$ devicelogin api \/api\/me\n+\{\n+\s+"sub": /);
    expect(first.text).toContain('"preferred_username": "ada@contoso.example"');
    expect(first.text).toContain('"aud": "api://demo"');

    const second = await runDemo(port, () => undefined);
    expect(second.code, second.text).toBe(0);
    expect(second.text).toMatch(/Reusing the cached token of ada@contoso\.example .*no sign-in needed/);
    expect(second.text).not.toContain('enter the code');
    expect(second.text).toContain('"preferred_username": "ada@contoso.example"');
  }, 60_000);
});
