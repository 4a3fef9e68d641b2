import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { messages } from './messages.js';

/** The 429 page: says when to try again, and nothing about the code or account tried. */
export function rateLimitedPage(retryAt: number, now: number): SafeHtml {
  const t = messages.rateLimited;
  return layout(
    t.title,
    html`<h1>${t.title}</h1>
      <p class="error" role="alert">${t.text(retryAt, now)}</p>`,
  );
}
