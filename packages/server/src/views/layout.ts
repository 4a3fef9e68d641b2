import { PATHS } from '../verification/paths.js';
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './page.js';

/**
 * The document around every page: language, viewport, the site's own stylesheet, no scripts,
 * nothing from elsewhere. A page showing an error says so first in its title (`options.error`).
 * The language switcher comes after the main content, so the form is
 * the first thing the keyboard reaches (a page shown once has none: page-language.ts).
 */
export function layout(
  context: PageContext,
  title: string,
  content: SafeHtml,
  options: { readonly error?: boolean | undefined } = {},
): SafeHtml {
  const { t } = context;
  return html`<!doctype html>
    <html lang="${t.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${options.error === true ? t.errorPrefix : ''}${title} – ${t.product}</title>
        <link rel="stylesheet" href="${PATHS.stylesheet}" />
      </head>
      <body>
        <main>${content}</main>
        ${
          context.languages.length > 0 &&
          html`<footer>
            <nav aria-label="${t.languageSwitcher}">
              <ul class="languages">
                ${context.languages.map((link) =>
                  link.current
                    ? html`<li><a href="${link.href}" lang="${link.lang}" aria-current="true">${link.name}</a></li>`
                    : html`<li>
                        <a href="${link.href}" lang="${link.lang}" hreflang="${link.lang}">${link.name}</a>
                      </li>`,
                )}
              </ul>
            </nav>
          </footer>`
        }
      </body>
    </html>`;
}
