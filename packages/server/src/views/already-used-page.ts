import { PATHS } from '../verification/paths.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/** Shown when a code this browser already holds was decided meanwhile (a second Allow). */
export function alreadyUsedPage(): Page {
  return (context) => {
    const t = context.t.alreadyUsed;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        <p class="error" role="alert">${t.text}</p>
        <p><a href="${PATHS.codeEntry}">${t.restart}</a></p>`,
    );
  };
}
