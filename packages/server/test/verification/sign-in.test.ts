import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/crypto.js';
import type { PageResponse } from '../support/browser-session.js';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode, errorText } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
});
afterEach(async () => {
  await server.close();
});

describe('sign-in', () => {
  it('a wrong password, an unknown user and a disabled account get the identical page', async () => {
    await server.issue('BCDF-GHJK');
    await server.store.upsertUser({
      id: randomUUID(),
      tenant: USER.tenant,
      username: 'off@contoso.example',
      displayName: 'Disabled',
      passwordHash: await hashPassword('the right password'),
      disabled: true,
    });
    const browser = browserOn(server);
    const signIn = await enterCode(browser, 'BCDF-GHJK');
    const wrongPassword = await browser.post('/device/signin', {
      csrf: signIn.csrf ?? '',
      username: 'someone@contoso.example',
      password: 'nope',
    });
    await server.store.upsertUser({ ...server.user, username: 'renamed@contoso.example' });
    const unknownUser = await browser.post('/device/signin', {
      csrf: signIn.csrf ?? '',
      username: 'someone@contoso.example',
      password: 'nope',
    });
    expect(wrongPassword.status).toBe(401);
    expect(errorText(wrongPassword)).toBe('Your username or password is incorrect.');
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.html).toBe(wrongPassword.html);

    const disabled = await browser.post('/device/signin', {
      csrf: signIn.csrf ?? '',
      username: 'off@contoso.example',
      password: 'the right password',
    });
    const wrongForDisabled = await browser.post('/device/signin', {
      csrf: signIn.csrf ?? '',
      username: 'off@contoso.example',
      password: 'wrong',
    });
    expect(disabled.status).toBe(401);
    expect(disabled.html).toBe(wrongForDisabled.html);
    expect(errorText(disabled)).toBe('Your username or password is incorrect.');
    expect(disabled.html).not.toContain('the right password');
    expect((await browser.get('/device/consent')).location).toBe('/device/signin');
  });

  it('users of another tenant cannot sign in for the code', async () => {
    await server.issue('BCDF-GHJK', { tenant: 'fabrikam' });
    const browser = browserOn(server);
    const signIn = await enterCode(browser, 'BCDF-GHJK');
    expect(signIn.html).toContain('Sign in with your fabrikam account.');
    const answer = await browser.submit(signIn, { username: USER.username, password: USER.password });
    expect(answer.status).toBe(401);
  });

  it('usernames are matched case-insensitively', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const signIn = await enterCode(browser, 'BCDF-GHJK');
    const consent = await browser.submit(signIn, { username: USER.username.toUpperCase(), password: USER.password });
    expect(consent.actions).toEqual(['/device/consent']);
  });

  it('throttles failures per account (across IPs) and per IP (across accounts), with a retry time', async () => {
    await server.issue('BCDF-GHJK');
    // Per account: 5 failures from 5 IPs, then even the right password from a 6th IP waits.
    for (let i = 0; i < 5; i += 1) {
      const browser = browserOn(server, `198.51.100.${20 + i}`);
      const page = await browser.submit(await enterCode(browser, 'BCDF-GHJK'), {
        username: USER.username,
        password: `wrong ${i}`,
      });
      expect(page.status).toBe(401);
    }
    const late = browserOn(server, '198.51.100.40');
    const limited = await late.submit(await enterCode(late, 'BCDF-GHJK'), {
      username: USER.username,
      password: USER.password,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.html).toMatch(/Try again in \d+ minutes? \(after \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);

    // Per IP: 20 failures over different usernames from one IP, then that IP waits for any account.
    // The attacker spreads them over four fresh codes, five each, under every code's own budget.
    const attacker = browserOn(server, '192.0.2.66');
    let signIn: PageResponse | undefined;
    for (let i = 0; i < 20; i += 1) {
      if (i % 5 === 0) {
        const code = ['CDFG-HJKL', 'DFGH-JKLM', 'FGHJ-KLMN', 'GHJK-LMNP'][i / 5] ?? '';
        await server.issue(code);
        signIn = await enterCode(attacker, code);
      }
      const page = await attacker.post('/device/signin', {
        csrf: signIn?.csrf ?? '',
        username: `user${i}@contoso.example`,
        password: 'x',
      });
      expect(page.status).toBe(401);
    }
    const blocked = await attacker.post('/device/signin', {
      csrf: signIn?.csrf ?? '',
      username: 'other@contoso.example',
      password: 'x',
    });
    expect(blocked.status).toBe(429);
    expect((await server.record('GHJKLMNP')).status).toBe('pending'); // 5 failures: under its budget

    // After the window, the account works again.
    server.clock.advance(15 * 60_000);
    await server.issue('LMNP-QRST');
    const later = browserOn(server, '198.51.100.41');
    const consent = await later.submit(await enterCode(later, 'LMNP-QRST'), {
      username: USER.username,
      password: USER.password,
    });
    expect(consent.actions).toEqual(['/device/consent']);
  });

  it('a right password gives back only its own attempt: a success never resets the account budget', async () => {
    await server.issue('BCDF-GHJK');
    const attempt = async (ip: string, password: string): Promise<number> => {
      const browser = browserOn(server, ip);
      return (await browser.submit(await enterCode(browser, 'BCDF-GHJK'), { username: USER.username, password }))
        .status;
    };
    for (let i = 0; i < 4; i += 1) expect(await attempt(`198.51.100.${20 + i}`, `wrong ${i}`)).toBe(401);
    expect(await attempt('198.51.100.30', USER.password)).toBe(200); // consent
    expect(await attempt('198.51.100.31', 'wrong 5')).toBe(401); // the 5th failure
    expect(await attempt('198.51.100.32', USER.password)).toBe(429);
  });
});
