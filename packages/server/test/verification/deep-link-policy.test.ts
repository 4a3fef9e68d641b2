/**
 * Per-client policy on the code entry page: `/device?user_code=` pre-fills only the code of a
 * pending authorization whose client allows deep links. Every other linked code (unknown,
 * expired, used, or a deep-link-off client's) gets the same empty form and counts against the
 * deep links' own guessing budgets (the form's stay the form's), so the pre-fill is no unbounded
 * guessing oracle and no lever against the form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VERIFICATION_LIMITS } from '../../src/verification/limits.js';
import { startVerificationApp, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode } from './steps.js';

/** The value the code field is pre-filled with. */
function codeField(html: string): string | undefined {
  return /<input\s+id="user_code"[^>]*\svalue="([^"]*)"/.exec(html)?.[1];
}

/** The page with the linked code itself blanked out wherever links carry the query along. */
const withoutLinked = (html: string, code: string): string => html.replaceAll(code, '<linked>');

let server: VerificationApp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function withKiosk(options: Parameters<typeof startVerificationApp>[0] = {}): Promise<VerificationApp> {
  server = await startVerificationApp(options);
  await server.store.upsertClient({
    clientId: 'kiosk',
    name: 'Lobby kiosk',
    allowedScopes: '',
    deviceGrantEnabled: true,
    deepLinkEnabled: false,
  });
  return server;
}

describe('deep links and per-client policy', () => {
  it("a deep-link-off client's code is not pre-filled: the same empty form as an unknown code", async () => {
    const s = await withKiosk();
    await s.issue('BCDF-GHJK', { clientId: 'kiosk' });
    await s.issue('LMNP-QRST');
    const browser = browserOn(s);
    const off = await browser.get('/device?user_code=BCDF-GHJK');
    const unknown = await browser.get('/device?user_code=ZZZZ-ZZZZ');
    expect(off.status).toBe(200);
    expect(codeField(off.html)).toBe('');
    expect(withoutLinked(off.html, 'BCDF-GHJK')).toBe(withoutLinked(unknown.html, 'ZZZZ-ZZZZ'));
    const on = await browser.get('/device?user_code=LMNP-QRST');
    expect(codeField(on.html)).toBe('LMNP-QRST');
    // Typing the code is still the way in, and binds nothing before.
    expect((await s.record('BCDF-GHJK')).status).toBe('pending');
    expect((await enterCode(browserOn(s), 'BCDF-GHJK')).actions).toEqual(['/device/signin']);
  });

  it('linked codes that do not pre-fill count against the deep links’ budget; spent, none pre-fills, the form is unaffected', async () => {
    const s = await withKiosk({
      limits: { ...VERIFICATION_LIMITS, codeEntryPerIp: { max: 2, windowMs: 15 * 60_000 } },
    });
    await s.issue('BCDF-GHJK', { clientId: 'kiosk' });
    await s.issue('LMNP-QRST');
    const browser = browserOn(s);
    // A pre-filled code is no failure: any number of them.
    for (let i = 0; i < 3; i += 1) {
      expect(codeField((await browser.get('/device?user_code=LMNP-QRST')).html)).toBe('LMNP-QRST');
    }
    await browser.get('/device?user_code=BCDF-GHJK');
    await browser.get('/device?user_code=ZZZZ-ZZZZ');
    // Budget spent: the live, deep-link-on code is no longer looked up; typing it still works.
    const spent = await browser.get('/device?user_code=LMNP-QRST');
    expect(codeField(spent.html)).toBe('');
    const typed = await browser.post('/device', { csrf: spent.csrf ?? '', user_code: 'LMNP-QRST' });
    expect(typed.status).toBe(303);
    // Another IP is unaffected.
    expect(codeField((await browserOn(s, '198.51.100.99').get('/device?user_code=LMNP-QRST')).html)).toBe('LMNP-QRST');
  });

  it('deep links from many networks (any web page can make browsers load them) cannot put the form under attack', async () => {
    const s = await withKiosk({
      limits: { ...VERIFICATION_LIMITS, codeEntryGlobal: { max: 8, windowMs: 15 * 60_000 } },
    });
    await s.issue('LMNP-QRST');
    for (let net = 1; net <= 12; net += 1) await browserOn(s, `192.0.${net}.1`).get('/device?user_code=ZZZZ-ZZZZ');
    // The deep links' global budget is spent: no more pre-fill from anywhere…
    expect(codeField((await browserOn(s, '203.0.113.7').get('/device?user_code=LMNP-QRST')).html)).toBe('');
    // …but the form is not under attack: a user from a network that guessed by link types the code.
    expect((await enterCode(browserOn(s, '192.0.1.2'), 'LMNP-QRST')).actions).toEqual(['/device/signin']);
    const now = s.clock.now();
    expect(await s.store.count('verify:code:global:attempts', 15 * 60_000, now)).toBe(1);
  });
});
