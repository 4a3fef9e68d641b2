import { PATHS } from '../verification/paths.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/**
 * Shown when a device code used up its budget of failed sign-ins and was denied: the device gets
 * `access_denied`, and the user must start again on the device with a new code.
 */
export function codeBlockedPage(): Page {
  return (context) => {
    const t = context.t.codeBlocked;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        <p class="error" role="alert">${t.text}</p>
        <p><a href="${PATHS.codeEntry}">${t.restart}</a></p>`,
    );
  };
}
