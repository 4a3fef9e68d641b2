import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVerificationApp, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode, errorText, reachConsent } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
});
afterEach(async () => {
  await server.close();
});

describe('code entry', () => {
  it('unknown, expired, used, denied and malformed codes get byte-identical pages', async () => {
    await server.issue('BBBB-BBBB', { createdAt: server.clock.now() - 20 * 60_000, expiresAt: server.clock.now() - 1 });
    const used = await server.issue('CCCC-CCCC');
    await server.store.approveDeviceCode(used.id, server.user.id, used.scope, server.clock.now(), {
      ip: '127.0.0.1',
      userAgent: 'test',
    });
    const denied = await server.issue('DDDD-DDDD');
    await server.store.denyDeviceCode(denied.id, server.clock.now());

    const browser = browserOn(server);
    const form = await browser.get('/device');
    const answers = [];
    for (const code of ['ZZZZ-ZZZZ', 'BBBB-BBBB', 'CCCC-CCCC', 'DDDD-DDDD', 'not a code!', '']) {
      answers.push(await browser.post('/device', { csrf: form.csrf ?? '', user_code: code }));
    }
    const [first, ...rest] = answers;
    expect(first?.status).toBe(400);
    expect(errorText(first!)).toMatch(/^That code didn’t work\./);
    for (const answer of rest) {
      expect(answer.status).toBe(first?.status);
      expect(answer.html).toBe(first?.html);
      expect(answer.setCookies).toEqual([]);
    }
    // The typed code is not echoed back.
    expect(first?.html).not.toContain('ZZZZ');
  });

  it('normalises case, dashes and spaces', async () => {
    await server.issue('BCDF-GHJK');
    for (const typed of ['bcdf-ghjk', ' BCDF GHJK ', 'b-c-d-f-g-h-j-k', 'bcdfghjk', 'BCDF‐GHJK']) {
      const signIn = await enterCode(browserOn(server), typed);
      expect(signIn.status, typed).toBe(200);
      expect(signIn.actions, typed).toEqual(['/device/signin']);
    }
  });

  it('a deep link pre-fills the code but binds nothing until the user confirms it', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const linked = await browser.get('/device?user_code=bcdfghjk');
    expect(linked.status).toBe(200);
    expect(linked.html).toContain('value="BCDF-GHJK"');
    expect(linked.html).toContain('Check that it matches the code shown on your device');
    expect(linked.actions).toEqual(['/device']);
    // Not signed in to the code yet: the next steps send the browser back.
    expect((await browser.get('/device/signin')).location).toBe('/device');
    expect((await server.record('BCDFGHJK')).status).toBe('pending');
    // Confirming (Next) goes on.
    const signIn = await browser.submit(linked, { user_code: 'BCDF-GHJK' });
    expect(signIn.actions).toEqual(['/device/signin']);
  });

  it('a malformed deep link is not reflected into the page', async () => {
    const page = await browserOn(server).get('/device?user_code=%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('script');
    expect(page.html).toContain('value=""');
    expect(page.html).not.toContain('Check that it matches');
  });

  it('entering a second code in the same browser drops the first code and the sign-in', async () => {
    await server.issue('BCDF-GHJK');
    await server.issue('LMNP-QRST');
    const browser = browserOn(server);
    await reachConsent(browser, 'BCDF-GHJK');
    const signIn = await enterCode(browser, 'LMNP-QRST');
    expect(signIn.actions).toEqual(['/device/signin']);
    expect((await browser.get('/device/consent')).location).toBe('/device/signin');
  });
});
