import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn, reachConsent } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
});
afterEach(async () => {
  await server.close();
});

describe('verification flow', () => {
  it('approves: code → sign-in → consent → Allow → done; the record is approved for the user and scopes', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const consent = await reachConsent(browser, 'BCDF-GHJK');
    expect(consent.html).toContain('Are you trying to sign in to Contoso CLI?');
    expect(consent.html).toContain('Sign you in');
    expect(consent.html).toContain('See your basic profile');
    expect(consent.html).toContain('Stay signed in (refresh tokens)');
    expect(consent.html).toContain('Only continue if you started this sign-in on a device in front of you.');
    expect(consent.html).toContain('203.0.113.7');
    expect(consent.html).toContain('devicelogin-cli/0.1 (linux)');
    expect(consent.html).toContain('198.51.100.10');
    expect(consent.html).toContain('Mozilla/5.0 (test)');
    expect(consent.html).toContain('Signed in as Ada Lovelace (ada@contoso.example).');
    expect(consent.html).toMatch(/less than a minute ago/);

    const done = await browser.submit(consent, { action: 'allow' });
    expect(done.status).toBe(200);
    expect(done.html).toContain('You can close this window and return to your device.');
    expect(done.html).not.toContain('Nothing was granted');

    const record = await server.record('BCDFGHJK');
    expect(record.status).toBe('approved');
    expect(record.subject).toBe(server.user.id);
    expect(record.grantedScope).toBe('openid profile offline_access');
    expect(record.decidedAt).toBe(server.clock.now());
  });

  it('a code requested under /common is signed in by a user of any configured tenant', async () => {
    await server.issue('BCDF-GHJK', { tenant: 'common' });
    const consent = await reachConsent(browserOn(server), 'BCDF-GHJK');
    expect(consent.html).toContain('Signed in as Ada Lovelace (ada@contoso.example).');
  });

  it('denies: the record is denied and the done page says nothing was granted', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const consent = await reachConsent(browser, 'BCDF-GHJK');
    const done = await browser.submit(consent, { action: 'deny' });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Nothing was granted.');
    expect(done.html).toContain('You can close this window and return to your device.');
    const record = await server.record('BCDFGHJK');
    expect(record.status).toBe('denied');
    expect(record.subject).toBeUndefined();
  });

  it('shows unknown scopes verbatim and the age of the request', async () => {
    await server.issue('BCDF-GHJK', {
      scope: 'openid api://demo/files.read',
      createdAt: server.clock.now() - 3 * 60_000,
    });
    const consent = await reachConsent(browserOn(server), 'BCDF-GHJK');
    expect(consent.html).toContain('<li>api://demo/files.read</li>');
    expect(consent.html).toContain('3 minutes ago');
  });

  it('a second approval of the same code (re-posted form, or another browser) says it was already used', async () => {
    await server.issue('BCDF-GHJK');
    const first = browserOn(server);
    const second = browserOn(server, '198.51.100.11');
    const consentFirst = await reachConsent(first, 'BCDF-GHJK');
    const consentSecond = await reachConsent(second, 'BCDF-GHJK');
    expect((await first.submit(consentFirst, { action: 'allow' })).status).toBe(200);

    const again = await first.submit(consentFirst, { action: 'allow' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('This code has already been used.');
    const other = await second.submit(consentSecond, { action: 'deny' });
    expect(other.status).toBe(409);
    expect(other.html).toContain('This code has already been used.');
    expect((await server.record('BCDFGHJK')).status).toBe('approved');
  });

  it('pages out of order send the browser back to the right step', async () => {
    const browser = browserOn(server);
    expect((await browser.get('/device/signin')).location).toBe('/device');
    expect((await browser.get('/device/consent')).location).toBe('/device');
    expect((await browser.get('/device/done')).location).toBe('/device');
    await server.issue('BCDF-GHJK');
    const form = await browser.get('/device');
    const signIn = await browser.post('/device', { csrf: form.csrf ?? '', user_code: 'BCDF-GHJK' });
    expect(signIn.location).toBe('/device/signin');
    expect((await browser.get('/device/consent')).location).toBe('/device/signin');
  });

  it('a code that expires during sign-in sends the user back to code entry', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const form = await browser.get('/device');
    const signIn = await browser.submit(form, { user_code: 'BCDF-GHJK' });
    server.clock.advance(15 * 60_000);
    const after = await browser.submit(signIn, { username: USER.username, password: USER.password });
    expect(after.status).toBe(403); // the session ended with the code
    const back = await browser.get('/device');
    expect(back.status).toBe(200);
  });
});
