import { PATHS } from '../verification/paths.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';
import { spokenGroups } from './spoken.js';

/**
 * The page right after a TOTP enrolment: the recovery codes, shown this once (only their hashes
 * are stored), and a plain GET form on to consent ("I have saved them").
 */
export function recoveryCodesPage(codes: readonly string[]): Page {
  return (context) => {
    const t = context.t.recoveryCodes;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        <p>${t.intro}</p>
        <ol class="recovery-codes" aria-label="${t.listLabel}">
          ${codes.map((code) => html`<li><code>${spokenGroups(code.split('-'), '-')}</code></li>`)}
        </ol>
        <form method="get" action="${PATHS.consent}">
          <div class="actions"><button type="submit">${t.continue}</button></div>
        </form>`,
    );
  };
}
