import { PATHS } from '../verification/paths.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/** The 403 page of a form posted without a valid session or CSRF token: nothing was changed. */
export function expiredPage(): Page {
  return (context) => {
    const t = context.t.expired;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        <p class="error" role="alert">${t.text}</p>
        <p><a href="${PATHS.codeEntry}">${t.restart}</a></p>`,
    );
  };
}
