import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrowserSession, type PageResponse } from '../support/browser-session.js';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode, reachConsent } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
});
afterEach(async () => {
  await server.close();
});

function expectPageHeaders(page: PageResponse, label: string): void {
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(page.headers.get('cache-control'), label).toBe('no-store');
  expect(csp, label).toMatch(/^default-src 'none'; style-src 'self'; /);
  expect(csp, label).toContain("form-action 'self'");
  expect(csp, label).toContain("frame-ancestors 'none'");
  expect(csp, label).toContain("base-uri 'none'");
  expect(csp, label).not.toContain('unsafe');
  expect(page.headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(page.headers.get('referrer-policy'), label).toBe('no-referrer');
  if (page.status < 300 || page.status >= 400) {
    expect(page.headers.get('content-type'), label).toBe('text/html; charset=utf-8');
    expect(page.html, label).not.toMatch(/<script|<img|<iframe|src=|https?:\/\/|style=/i);
    const links = [...page.html.matchAll(/<link\s[^>]*>/g)].map((m) => m[0]);
    expect(links, label).toEqual([
      expect.stringMatching(/^<link rel="stylesheet" href="\/device\/style\.css"\s*\/?>$/),
    ]);
  }
}

describe('page headers', () => {
  it('every page and redirect carries no-store, the strict CSP, nosniff and no-referrer', async () => {
    await server.issue('BCDF-GHJK');
    await server.issue('LMNP-QRST');
    const pages: [string, PageResponse][] = [];
    const browser = browserOn(server);
    pages.push(['redirect before code', await browser.get('/device/signin')]);
    const form = await browser.get('/device?user_code=BCDF-GHJK');
    pages.push(['code entry', form]);
    pages.push(['bad code', await browser.post('/device', { csrf: form.csrf ?? '', user_code: 'ZZZZ-ZZZZ' })]);
    pages.push(['no csrf', await browser.post('/device', { user_code: 'ZZZZ-ZZZZ' })]);
    const toSignIn = await browser.post('/device', { csrf: form.csrf ?? '', user_code: 'BCDF-GHJK' });
    pages.push(['code accepted', toSignIn]);
    const signIn = await browser.follow(toSignIn);
    pages.push(['sign-in', signIn]);
    pages.push([
      'bad password',
      await browser.post('/device/signin', { csrf: signIn.csrf ?? '', username: 'x', password: 'y' }),
    ]);
    const consent = await browser.submit(signIn, { username: USER.username, password: USER.password });
    pages.push(['consent', consent]);
    pages.push(['bad action', await browser.post('/device/consent', { csrf: consent.csrf ?? '', action: 'maybe' })]);
    const done = await browser.submit(consent, { action: 'allow' });
    pages.push(['done', done]);
    pages.push(['already used', await browser.post('/device/consent', { csrf: consent.csrf ?? '', action: 'allow' })]);
    const json = await fetch(new URL('/device', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<user_code>x</user_code>',
    });
    pages.push([
      'unsupported body',
      {
        status: json.status,
        headers: json.headers,
        html: await json.text(),
        setCookies: [],
        csrf: undefined,
        actions: [],
        location: undefined,
      },
    ]);
    const limited = browserOn(server, '192.0.2.9');
    for (let i = 0; i < 11; i += 1) {
      const page = await limited.get('/device');
      pages.push([`guess ${i}`, await limited.post('/device', { csrf: page.csrf ?? '', user_code: 'ZZZZ-ZZZZ' })]);
    }
    expect(pages.map(([, p]) => p.status)).toEqual([
      303,
      200,
      400,
      403,
      303,
      200,
      401,
      200,
      400,
      200,
      409,
      415,
      ...Array<number>(10).fill(400),
      429,
    ]);
    for (const [label, page] of pages) expectPageHeaders(page, label);
  });

  it('the stylesheet is served by the pages themselves, under the same headers', async () => {
    const response = await fetch(new URL('/device/style.css', server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('.actions button{flex:1}');
  });

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/; on https it is Secure and __Host- prefixed', async () => {
    const plain = await browserOn(server).get('/device');
    expect(plain.setCookies).toHaveLength(1);
    const cookie = plain.setCookies[0] ?? '';
    expect(cookie).toMatch(/^devicelogin=v1\./);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toContain('Domain');

    await server.issue('BCDF-GHJK');
    const https = new BrowserSession(server.url, { ip: '198.51.100.5', headers: { 'x-forwarded-proto': 'https' } });
    const page = await https.get('/device');
    expect(page.setCookies[0]).toMatch(
      /^__Host-devicelogin=v1\.[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    // The flow works on https with the prefixed cookie only.
    const signIn = await enterCode(https, 'BCDF-GHJK');
    expect(signIn.actions).toEqual(['/device/signin']);
    expect([...https.cookies.keys()]).toEqual(['__Host-devicelogin']);
  });

  it('no page puts the user code or password in a URL after the first step', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const consent = await reachConsent(browser, 'BCDF-GHJK');
    expect(consent.actions.join(' ')).not.toMatch(/BCDF|code=|password/i);
    expect(consent.html).not.toContain('BCDF');
  });
});
