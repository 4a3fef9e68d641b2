import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrowserSession } from '../support/browser-session.js';
import { startVerificationApp, type VerificationApp } from '../support/verification-app.js';
import { en } from '../../src/views/i18n/en.js';
import { fr } from '../../src/views/i18n/fr.js';
import { LANGUAGES, catalogue, fromAcceptLanguage, pickLanguage } from '../../src/views/i18n/language.js';
import { enterCode, reachConsent } from './steps.js';

/** Every leaf of a catalogue as `path → value` (functions and strings), scopes included. */
function leaves(value: unknown, path = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      for (const [p, v] of leaves(child, path === '' ? key : `${path}.${key}`)) out.set(p, v);
    }
  } else {
    out.set(path, value);
  }
  return out;
}

/** What a leaf shows, with fixed arguments for the functions. */
function rendered(value: unknown): string {
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => string;
    return fn.length === 2 ? fn(Date.UTC(2026, 0, 1, 10, 15), Date.UTC(2026, 0, 1, 10, 20)) : fn('Contoso', 'x@y');
  }
  return String(value);
}

/** Keys whose text is the same word in both languages. */
const SAME_IN_BOTH = new Set(['codeEntry.label']);

describe('catalogues', () => {
  it('every language has exactly the English keys, with the same kinds of values', () => {
    const reference = leaves(en);
    for (const lang of LANGUAGES) {
      const other = leaves(catalogue(lang));
      expect([...other.keys()].sort(), lang).toEqual([...reference.keys()].sort());
      for (const [key, value] of reference) {
        expect(typeof other.get(key), `${lang}: ${key}`).toBe(typeof value);
        expect(rendered(other.get(key)).trim(), `${lang}: ${key}`).not.toBe('');
      }
    }
  });

  it('the French catalogue is translated, not copied', () => {
    const english = leaves(en);
    for (const [key, value] of leaves(fr)) {
      if (SAME_IN_BOTH.has(key) || key === 'lang') continue;
      expect(rendered(value), key).not.toBe(rendered(english.get(key)));
    }
  });

  it('French counts 0 and 1 in the singular, English only 1', () => {
    const at = Date.UTC(2026, 0, 1, 10, 0);
    expect(fr.consent.age(at, at + 60_000)).toBe('il y a 1 minute');
    expect(fr.rateLimited.text(at + 90_000, at)).toContain('2 minutes');
    expect(en.consent.age(at, at + 2 * 60_000)).toBe('2 minutes ago');
  });
});

describe('language negotiation', () => {
  it.each([
    ['fr-FR,fr;q=0.9,en;q=0.8', 'fr'],
    ['en-GB,fr;q=0.5', 'en'],
    ['de-DE,fr;q=0.7,en;q=0.3', 'fr'],
    ['fr;q=0,en', 'en'],
    ['de, *;q=0.1', 'en'],
    ['FR-ca', 'fr'],
  ])('Accept-Language %s → %s', (header, expected) => {
    expect(fromAcceptLanguage(header)).toBe(expected);
  });

  it('nothing usable → undefined, and the page falls back to English', () => {
    expect(fromAcceptLanguage('de, ja;q=0.5')).toBeUndefined();
    expect(fromAcceptLanguage(';;;,q=2')).toBeUndefined();
    expect(pickLanguage({ acceptLanguage: 'de' })).toBe('en');
  });

  it('the switcher beats the remembered choice, which beats the browser', () => {
    expect(pickLanguage({ query: 'en', cookie: 'fr', acceptLanguage: 'fr' })).toBe('en');
    expect(pickLanguage({ cookie: 'fr', acceptLanguage: 'en' })).toBe('fr');
    expect(pickLanguage({ query: 'xx', cookie: 'yy', acceptLanguage: 'fr' })).toBe('fr');
  });
});

describe('pages in French', () => {
  let server: VerificationApp;
  beforeEach(async () => {
    server = await startVerificationApp();
  });
  afterEach(async () => {
    await server.close();
  });

  it('Accept-Language: fr gives French pages through to consent, with the language declared', async () => {
    const code = 'BCDF-GHJK';
    await server.issue(code);
    const browser = new BrowserSession(server.url, { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const entry = await browser.get('/device');
    expect(entry.html).toContain('<html lang="fr">');
    expect(entry.html).toContain('Entrez le code affiché');
    expect(entry.headers.get('content-language')).toBe('fr');
    expect(entry.headers.get('vary')).toMatch(/Accept-Language/);
    const signIn = await enterCode(browser, code);
    expect(signIn.html).toContain('Mot de passe');
    const consent = await reachConsent(new BrowserSession(server.url, { headers: { 'accept-language': 'fr' } }), code);
    expect(consent.html).toContain('Ne continuez que si vous avez lancé cette connexion');
    expect(consent.html).toContain('>Refuser<');
  });

  it('the switcher link changes the language and is remembered by a cookie', async () => {
    const browser = new BrowserSession(server.url);
    const english = await browser.get('/device');
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('href="/device?lang=fr"');
    const french = await browser.get('/device?lang=fr');
    expect(french.html).toContain('<html lang="fr">');
    expect(french.setCookies.some((c) => c.startsWith('devicelogin_lang=fr') && /HttpOnly/i.test(c))).toBe(true);
    const later = await browser.get('/device');
    expect(later.html).toContain('<html lang="fr">');
    expect(later.html).toMatch(/<a href="\/device\?lang=fr" lang="fr" aria-current="true">Français<\/a>/);
  });

  it('a deep link keeps its code across the switch, and nothing else of the query is reflected', async () => {
    await server.issue('BCDF-GHJK');
    const browser = new BrowserSession(server.url);
    const page = await browser.get('/device?user_code=bcdf-ghjk&evil=%22%3E%3Cb%3E');
    expect(page.html).toContain('href="/device?lang=fr&amp;user_code=BCDF-GHJK"');
    expect(page.html).not.toContain('evil');
    // The prefilled code is read out grouped for screen readers.
    expect(page.html).toContain('B C D F, G H J K');
  });

  it('a link with a code that is not pre-filled does not carry it into the switcher', async () => {
    const page = await new BrowserSession(server.url).get('/device?user_code=ZZZZ-ZZZZ');
    expect(page.html).toContain('href="/device?lang=fr"');
    expect(page.html).not.toContain('ZZZZ');
  });
});
