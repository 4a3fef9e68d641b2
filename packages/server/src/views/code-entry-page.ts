import { PATHS } from '../verification/paths.js';
import { formatUserCode } from '@devicelogin/protocol';
import { fieldDescription, formError } from './form-error.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { spokenGroups } from './spoken.js';
import type { Page } from './page.js';

/** What the code entry page shows. */
export interface CodeEntryView {
  readonly csrf: string;
  /** The code to pre-fill (from the deep link, or what was typed), shown for confirmation. */
  readonly code?: string;
  /** The code arrived with the link: ask the user to compare it with the device's. */
  readonly fromLink?: boolean;
  /** The one message for an unknown, expired, used or denied code. */
  readonly invalid?: boolean;
  /** A deep link brought a code that cannot be used (whatever the reason): say so above the form. */
  readonly linkUnusable?: boolean;
}

/** A user code shown grouped (`WDJB-MJHT`) and read out grouped (see spoken.ts). */
export function spokenCode(code: string): SafeHtml {
  return spokenGroups(formatUserCode(code).split('-'), '-');
}

/** `GET /device`: the form where the user types (or confirms) the code shown on the device. */
export function codeEntryPage(view: CodeEntryView): Page {
  return (context) => {
    const t = context.t.codeEntry;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        ${formError(t.invalid, view.invalid)}
        <p>${t.intro}</p>
        ${view.linkUnusable === true && html`<p class="notice">${t.linkUnusable}</p>`}
        ${
          view.fromLink === true &&
          view.code !== undefined &&
          html`<p class="notice">
            ${t.confirmPrefilled}
            <strong class="code-display">${spokenCode(view.code)}</strong>
          </p>`
        }
        <form method="post" action="${PATHS.codeEntry}">
          <input type="hidden" name="csrf" value="${view.csrf}" />
          <label for="user_code">${t.label}</label>
          <p id="user_code_hint" class="hint">${t.hint}</p>
          <input
            id="user_code"
            name="user_code"
            class="code"
            type="text"
            value="${view.code ?? ''}"
            maxlength="32"
            autocomplete="off"
            autocapitalize="characters"
            ${fieldDescription(view.invalid, 'user_code_hint')}
            spellcheck="false"
            required
            autofocus
          />
          <div class="actions"><button type="submit">${t.submit}</button></div>
        </form>`,
      { error: view.invalid },
    );
  };
}
