import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/** `GET /device/done`: the end of the flow, after Allow or Deny. */
export function donePage(outcome: 'approved' | 'denied'): Page {
  return (context) => {
    const t = context.t.done;
    const [title, text] = outcome === 'approved' ? [t.approvedTitle, t.approved] : [t.deniedTitle, t.denied];
    return layout(
      context,
      title,
      html`<h1>${title}</h1>
        <p>${text}</p>
        <p>${t.close}</p>`,
    );
  };
}
