import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../src/views/html.js';
import { startVerificationApp, type VerificationApp } from '../support/verification-app.js';
import { browserOn, reachConsent } from './steps.js';

const EVIL = `"><script>alert('x')</script><img src=x onerror=alert(1)>&`;

describe('html template', () => {
  it('escapes every interpolated string, and only nested templates pass as markup', () => {
    const inner = html`<b>${EVIL}</b>`;
    const page = html`<p title="${EVIL}">${inner}${[EVIL, 1]}${undefined}${false}</p>`;
    const escaped = escapeHtml(EVIL);
    expect(escaped).toBe(
      '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;',
    );
    expect(page.toString()).toBe(`<p title="${escaped}"><b>${escaped}</b>${escaped}1</p>`);
  });
});

describe('consent page escaping', () => {
  let server: VerificationApp;
  beforeEach(async () => {
    server = await startVerificationApp();
  });
  afterEach(async () => {
    await server.close();
  });

  it("escapes the device's and the browser's user agents, the app name and unknown scopes", async () => {
    await server.store.upsertClient({
      clientId: 'evil-app',
      name: `Evil ${EVIL}`,
      allowedScopes: '',
      deviceGrantEnabled: true,
      deepLinkEnabled: true,
    });
    await server.issue('BCDF-GHJK', { requestUserAgent: EVIL, clientId: 'evil-app', scope: `openid <b>x</b>` });
    const consent = await reachConsent(browserOn(server, '198.51.100.10', `Browser ${EVIL}`), 'BCDF-GHJK');
    expect(consent.html).not.toContain('<script>');
    expect(consent.html).not.toContain('<img');
    expect(consent.html).not.toContain('<b>x</b>');
    expect(consent.html).toContain(`<dd>${escapeHtml(EVIL)}</dd>`);
    expect(consent.html).toContain(`<dd>Browser ${escapeHtml(EVIL)}</dd>`);
    expect(consent.html).toContain(`Are you trying to sign in to Evil ${escapeHtml(EVIL)}?`);
    expect(consent.html).toContain('<li>&lt;b&gt;x&lt;/b&gt;</li>');
  });

  it('escapes a user agent it puts in plain words too, in the words and in the raw string', async () => {
    const agent = `evil/1.0${EVIL}`;
    await server.issue('BCDF-GHJL', { requestUserAgent: agent });
    const consent = await reachConsent(
      browserOn(server, '198.51.100.11', 'Mozilla/5.0 (Windows NT 10.0) Chrome/1'),
      'BCDF-GHJL',
    );
    expect(consent.html).not.toContain('<script>');
    expect(consent.html).toContain(`<small class="muted">${escapeHtml(agent)}</small>`);
    expect(consent.html).toContain(
      'Chrome on Windows<br /><small class="muted">Mozilla/5.0 (Windows NT 10.0) Chrome/1</small>',
    );
  });
});
