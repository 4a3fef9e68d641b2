import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/** Shown for unexpected errors (and malformed requests): no detail leaves the server. */
export function failurePage(): Page {
  return (context) => {
    const t = context.t.failure;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        <p class="error" role="alert">${t.text}</p>`,
    );
  };
}
