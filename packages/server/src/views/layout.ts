import { PATHS } from '../verification/paths.js';
import { html, type SafeHtml } from './html.js';
import { messages } from './messages.js';

/**
 * The document around every page: language, viewport, the site's own stylesheet, no scripts,
 * nothing from elsewhere.
 */
export function layout(title: string, content: SafeHtml): SafeHtml {
  return html`<!doctype html>
    <html lang="${messages.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} – ${messages.product}</title>
        <link rel="stylesheet" href="${PATHS.stylesheet}" />
      </head>
      <body>
        <main>${content}</main>
      </body>
    </html>`;
}
