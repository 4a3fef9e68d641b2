import { PATHS } from '../verification/paths.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { messages } from './messages.js';

/** The 403 page of a form posted without a valid session or CSRF token: nothing was changed. */
export function expiredPage(): SafeHtml {
  const t = messages.expired;
  return layout(
    t.title,
    html`<h1>${t.title}</h1>
      <p class="error" role="alert">${t.text}</p>
      <p><a href="${PATHS.codeEntry}">${t.restart}</a></p>`,
  );
}
