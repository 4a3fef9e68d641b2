import { PATHS } from '../verification/paths.js';
import { html, type SafeHtml } from './html.js';
import { utcTime } from './i18n/format.js';
import { layout } from './layout.js';
import type { Page } from './page.js';
import { summariseUserAgent } from './user-agent.js';
import type { Messages } from './i18n/en.js';

/** Where a request came from: the device's (stored at issuance) or this browser's. */
export interface RequestOrigin {
  readonly ip: string;
  readonly userAgent: string;
}

/** What the consent page shows. */
export interface ConsentView {
  readonly csrf: string;
  readonly appName: string;
  readonly user: { readonly displayName: string; readonly username: string };
  /** Requested scopes, in order. */
  readonly scopes: readonly string[];
  /** When (epoch ms) and from where the device asked for the code. */
  readonly requestedAt: number;
  readonly device: RequestOrigin;
  readonly browser: RequestOrigin;
  readonly now: number;
}

/** `<time datetime="2026-01-01T10:15Z">2026-01-01 10:15 UTC</time>`. */
function utcTimeElement(at: number): SafeHtml {
  return html`<time datetime="${new Date(at).toISOString()}">${utcTime(at)}</time>`;
}

/** A User-Agent in plain words (when it says something recognisable) above the raw header. */
function userAgent(t: Messages['consent'], header: string): string | SafeHtml {
  const summary = summariseUserAgent(header);
  if (summary === undefined) return header;
  return html`${t.software(summary.software, summary.platform)}<br /><small class="muted">${header}</small>`;
}

function origin(title: string, unknown: string, rows: readonly (readonly [string, string | SafeHtml])[]): SafeHtml {
  return html`<h2>${title}</h2>
    <dl>
      ${rows.map(
        ([label, value]) =>
          html`<dt>${label}</dt>
            <dd>${value === '' ? unknown : value}</dd>`,
      )}
    </dl>`;
}

/**
 * `GET /device/consent`, the anti-phishing surface: which application, what it may do, when and
 * from where the code was requested next to this browser's own address and user agent, the
 * warning (with a note when the device's address is not this browser's), and Allow and Deny as
 * equal buttons of one form.
 */
export function consentPage(view: ConsentView): Page {
  return (context) => {
    const t = context.t.consent;
    return layout(
      context,
      t.title,
      html`<h1>${t.question(view.appName)}</h1>
        <p class="muted">${t.signedInAs(view.user.displayName, view.user.username)}</p>
        <p>${t.permissions}</p>
        <ul>
          ${view.scopes.map((scope) => html`<li>${t.scopes[scope] ?? scope}</li>`)}
        </ul>
        ${origin(t.requested, t.unknown, [
          [t.when, html`${t.age(view.requestedAt, view.now)} (${utcTimeElement(view.requestedAt)})`],
          [t.ip, view.device.ip],
          [t.userAgent, userAgent(t, view.device.userAgent)],
        ])}
        ${origin(t.thisBrowser, t.unknown, [
          [t.ip, view.browser.ip],
          [t.userAgent, userAgent(t, view.browser.userAgent)],
        ])}
        ${
          view.device.ip !== '' &&
          view.device.ip !== view.browser.ip &&
          html`<p class="notice">${t.differentNetwork}</p>`
        }
        <p class="warning">${t.warning}</p>
        <form method="post" action="${PATHS.consent}">
          <input type="hidden" name="csrf" value="${view.csrf}" />
          <div class="actions">
            <button type="submit" name="action" value="deny">${t.deny}</button>
            <button type="submit" name="action" value="allow">${t.allow}</button>
          </div>
        </form>`,
    );
  };
}
