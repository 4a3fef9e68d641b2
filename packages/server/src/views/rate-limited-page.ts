import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/** The 429 page: says when to try again, and nothing about the code or account tried. */
export function rateLimitedPage(retryAt: number, now: number): Page {
  return (context) => {
    const t = context.t.rateLimited;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        <p class="error" role="alert">${t.text(retryAt, now)}</p>`,
    );
  };
}
