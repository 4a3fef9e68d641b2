/**
 * Per-client policy on the code entry page: `/device?user_code=` pre-fills only the code of a
 * pending authorization whose client allows deep links. Every other linked code (unknown,
 * expired, used, or a deep-link-off client's) gets the same empty form and counts against the
 * code-entry budget, so the pre-fill is no guessing oracle.
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

  it('linked codes that do not pre-fill count against the code-entry budget; with it spent, none pre-fills', async () => {
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
    // Budget spent: the live, deep-link-on code is no longer looked up, and the form says wait.
    const spent = await browser.get('/device?user_code=LMNP-QRST');
    expect(codeField(spent.html)).toBe('');
    const typed = await browser.post('/device', { csrf: spent.csrf ?? '', user_code: 'LMNP-QRST' });
    expect(typed.status).toBe(429);
    // Another IP is unaffected.
    expect(codeField((await browserOn(s, '198.51.100.99').get('/device?user_code=LMNP-QRST')).html)).toBe('LMNP-QRST');
  });
});
