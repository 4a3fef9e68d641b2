import { afterEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn } from './steps.js';

let server: VerificationApp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('logs', () => {
  it('never contain the user code, the password, cookie values or CSRF tokens', async () => {
    server = await startVerificationApp();
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const secrets = new Set<string>(['BCDF-GHJK', 'BCDFGHJK', 'bcdf-ghjk', 'bcdfghjk', USER.password]);
    const remember = (): void => {
      for (const value of browser.cookies.values()) secrets.add(value);
    };
    // Deep link (the code in the query), a wrong guess, a wrong password, then the real thing.
    const linked = await browser.get('/device?user_code=bcdf-ghjk');
    remember();
    await browser.post('/device', { csrf: linked.csrf ?? '', user_code: 'ZZZZ-ZZZZ' });
    const signIn = await browser.submit(linked, { user_code: 'bcdf-ghjk' });
    remember();
    await browser.post('/device/signin', {
      csrf: signIn.csrf ?? '',
      username: USER.username,
      password: `${USER.password}!`,
    });
    secrets.add(`${USER.password}!`);
    const consent = await browser.submit(signIn, { username: USER.username, password: USER.password });
    remember();
    await browser.submit(consent, { action: 'allow' });
    remember();
    for (const page of [linked, signIn, consent]) if (page.csrf !== undefined) secrets.add(page.csrf);

    const logs = server.logs();
    expect(logs).toContain('"path":"/device"');
    expect(logs).toContain('"path":"/device/consent"');
    assertNoSecretsIn(logs, [...secrets]);
    expect(logs).not.toMatch(/user_code|password|cookie|csrf/i);
  });

  it('a failing store gives the HTML failure page (500, same headers) and logs no code', async () => {
    server = await startVerificationApp({
      wrapStore: (store) => ({
        ...store,
        findDeviceCodeByUserCode: () => Promise.reject(new Error('database is locked')),
      }),
    });
    const browser = browserOn(server);
    const form = await browser.get('/device');
    const page = await browser.post('/device', { csrf: form.csrf ?? '', user_code: 'BCDF-GHJK' });
    expect(page.status).toBe(500);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).toContain('Something went wrong');
    expect(page.html).not.toContain('database is locked');
    const logs = server.logs();
    expect(logs).toContain('database is locked');
    assertNoSecretsIn(logs, ['BCDF-GHJK', 'BCDFGHJK']);
  });
});
