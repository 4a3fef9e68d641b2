import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { messages } from './messages.js';

/** `GET /device/done`: the end of the flow, after Allow or Deny. */
export function donePage(outcome: 'approved' | 'denied'): SafeHtml {
  const t = messages.done;
  const [title, text] = outcome === 'approved' ? [t.approvedTitle, t.approved] : [t.deniedTitle, t.denied];
  return layout(
    title,
    html`<h1>${title}</h1>
      <p>${text}</p>
      <p>${t.close}</p>`,
  );
}
