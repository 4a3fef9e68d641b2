/**
 * `npm start` itself (the demo) in a pseudo-terminal (util-linux `script`), completed in
 * Chromium, and stopped with Ctrl+C.
 *
 * npm runs a script in the directory of its package.json, and the demo keeps its data in
 * `./.devicelogin`: so each case runs npm in a temporary directory whose entries are symbolic
 * links to the repository's (package.json, node_modules, packages, scripts, …), all but
 * `.devicelogin`. A developer's own demo data is never touched, and each case starts with none.
 * `npm start` builds first (`npm run build`): with dist up to date, as after `npm test`'s build,
 * that takes about 2 s (measured: 1.5–2.4 s; `tsc -b` finds every project up to date and
 * esbuild rewrites the bundles).
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, launchChromium, tempDir, type TestBrowser } from '@devicelogin/test-utils';
import { approveInChromium } from '../support/approve-in-chromium.js';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
const PASSWORD = 'demo-password-for-the-test';
const USERNAME = 'ada@contoso.example';
/** The user code as the demo shows it on a terminal (escape sequences removed). */
const TTY_CODE = /enter the code:\n+\s+([A-Z]{4}-[A-Z]{4})\n/;

let browser: TestBrowser;
let dir: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  [browser, dir] = await Promise.all([launchChromium(), tempDir('devicelogin-demo-')]);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await dir?.remove();
});

/** A directory that looks like the repository to npm, with no `.devicelogin` of its own. */
async function checkoutView(name: string): Promise<string> {
  const view = join(dir.path, name);
  await mkdir(view);
  for (const entry of await readdir(REPOSITORY)) {
    if (entry !== '.devicelogin') await symlink(join(REPOSITORY, entry), join(view, entry));
  }
  return view;
}

/** A running `npm start` in a pty. */
interface Demo {
  /** The terminal's text so far: escape sequences removed, line ends as `\n`. */
  text(): string;
  /** Resolves with the first match in the text; rejects if the demo ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Types on the terminal (`\u0003` is Ctrl+C). */
  type(keys: string): void;
  /** The exit code of `npm start` (script -e passes it on). */
  readonly exited: Promise<number>;
  kill(): void;
}

const running = new Set<Demo>();
afterEach(() => {
  for (const demo of running) demo.kill(); // a failed case leaves no demo holding its port
  running.clear();
});

function startDemo(cwd: string, port: number): Demo {
  const child = spawn('script', ['-qfec', 'npm start', '/dev/null'], {
    cwd,
    env: {
      PATH: process.env['PATH'],
      HOME: dir.path,
      PORT: String(port),
      DEMO_PASSWORD: PASSWORD,
      TERM: 'xterm',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    // eslint-disable-next-line no-control-regex -- strips the terminal's escape sequences
    text += chunk.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n?/g, '\n');
    for (const waiter of [...waiters]) waiter();
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const demo: Demo = {
    text: () => text,
    type: (keys) => child.stdin.write(keys),
    exited,
    kill: () => child.kill('SIGKILL'), // the pty closes: npm and the demo get SIGHUP
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = text.match(pattern);
          if (match === null) return;
          waiters.delete(check);
          resolve(match);
        };
        waiters.add(check);
        check();
        void exited.then((code) => {
          if (waiters.delete(check)) reject(new Error(`npm start exited ${code} before ${pattern}:\n${text}`));
        });
      }),
  };
  running.add(demo);
  void exited.then(() => running.delete(demo));
  return demo;
}

/** The JSON the demo printed after `$ devicelogin api /api/me`. */
function apiMeJson(text: string): Record<string, unknown> {
  const after = text.slice(text.indexOf('$ devicelogin api /api/me\n'));
  return JSON.parse(after.slice(after.indexOf('{'), after.lastIndexOf('}') + 1)) as Record<string, unknown>;
}

/** Whether 127.0.0.1:`port` can be listened on (nothing holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('npm start (the demo) in a terminal', () => {
  it('first run: sign in through Chromium, then /api/me; second run: the cached token, silently', async () => {
    const cwd = await checkoutView('approve');
    const port = await freePort();
    const first = startDemo(cwd, port);
    const [, code] = await first.waitFor(TTY_CODE);
    await first.waitFor(/code expires in \d+:\d\d/);
    await approveInChromium(browser, `http://127.0.0.1:${port}/device`, code!, {
      username: USERNAME,
      password: PASSWORD,
    });
    expect(await first.exited, first.text()).toBe(0);
    const text = first.text();
    expect(text).toContain(`Demo account: ${USERNAME} / ${PASSWORD}`);
    expect(text).toContain(`Signed in as ${USERNAME} (contoso)`);
    expect(apiMeJson(text)).toMatchObject({
      preferred_username: USERNAME,
      aud: 'api://demo',
      azp: 'devicelogin-demo',
      iss: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${port}/`)) as unknown,
    });
    expect(await portIsFree(port)).toBe(true);
    const cache = await readFile(join(cwd, '.devicelogin', 'token-cache.json'), 'utf8');
    expect(cache).toContain(USERNAME);

    const second = startDemo(cwd, port);
    expect(await second.exited, second.text()).toBe(0);
    expect(second.text()).toMatch(new RegExp(`Reusing the cached token of ${USERNAME} .*no sign-in needed`));
    expect(second.text()).not.toContain('enter the code');
    expect(apiMeJson(second.text())).toMatchObject({ preferred_username: USERNAME });
  }, 60_000);

  it('Ctrl+C while it waits for the approval: exit 130, the port freed, the token cache untouched', async () => {
    const cwd = await checkoutView('interrupt');
    // A cache already there, with no account: the demo must sign in. Indented, unlike what the
    // client writes, so that any rewrite (even of the same entries) changes its bytes.
    const cachePath = join(cwd, '.devicelogin', 'token-cache.json');
    const sections = { Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} };
    const cache = `${JSON.stringify(sections, null, 2)}\n`;
    await mkdir(join(cwd, '.devicelogin'), { mode: 0o700 });
    await writeFile(cachePath, cache, { mode: 0o600 });
    const port = await freePort();
    const demo = startDemo(cwd, port);
    await demo.waitFor(TTY_CODE);
    await demo.waitFor(/code expires in \d+:\d\d/);
    expect(await portIsFree(port)).toBe(false); // the demo's server holds it while it waits
    demo.type('\u0003');
    expect(await demo.exited, demo.text()).toBe(130);
    expect(demo.text()).toMatch(/\nCancelled\.\n/);
    expect(demo.text()).not.toContain('$ devicelogin api');
    expect(demo.text()).not.toMatch(/npm (ERR|error)/);
    expect(await portIsFree(port)).toBe(true);
    expect(await readFile(cachePath, 'utf8')).toBe(cache);
  }, 60_000);
});
