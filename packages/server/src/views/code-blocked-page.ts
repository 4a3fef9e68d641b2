import { PATHS } from '../verification/paths.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { messages } from './messages.js';

/**
 * Shown when a device code used up its budget of failed sign-ins and was denied: the device gets
 * `access_denied`, and the user must start again on the device with a new code.
 */
export function codeBlockedPage(): SafeHtml {
  const t = messages.codeBlocked;
  return layout(
    t.title,
    html`<h1>${t.title}</h1>
      <p class="error" role="alert">${t.text}</p>
      <p><a href="${PATHS.codeEntry}">${t.restart}</a></p>`,
  );
}
