import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { messages } from './messages.js';

/** Shown for unexpected errors (and malformed requests): no detail leaves the server. */
export function failurePage(): SafeHtml {
  const t = messages.failure;
  return layout(
    t.title,
    html`<h1>${t.title}</h1>
      <p class="error" role="alert">${t.text}</p>`,
  );
}
