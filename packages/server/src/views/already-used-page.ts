import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { messages } from './messages.js';

/** Shown when a code this browser already holds was decided meanwhile (a second Allow). */
export function alreadyUsedPage(): SafeHtml {
  const t = messages.alreadyUsed;
  return layout(
    t.title,
    html`<h1>${t.title}</h1>
      <p class="error" role="alert">${t.text}</p>`,
  );
}
