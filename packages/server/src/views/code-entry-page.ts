import { PATHS } from '../verification/paths.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { messages } from './messages.js';

/** What the code entry page shows. */
export interface CodeEntryView {
  readonly csrf: string;
  /** The code to pre-fill (from the deep link, or what was typed), shown for confirmation. */
  readonly code?: string;
  /** The code arrived with the link: ask the user to compare it with the device's. */
  readonly fromLink?: boolean;
  /** The one message for an unknown, expired, used or denied code. */
  readonly invalid?: boolean;
}

/** `GET /device`: the form where the user types (or confirms) the code shown on the device. */
export function codeEntryPage(view: CodeEntryView): SafeHtml {
  const t = messages.codeEntry;
  return layout(
    t.title,
    html`<h1>${t.title}</h1>
      ${view.invalid === true && html`<p class="error" role="alert">${t.invalid}</p>`}
      <p>${t.intro}</p>
      ${view.fromLink === true && html`<p class="notice">${t.confirmPrefilled}</p>`}
      <form method="post" action="${PATHS.codeEntry}">
        <input type="hidden" name="csrf" value="${view.csrf}" />
        <label for="user_code">${t.label}</label>
        <input
          id="user_code"
          name="user_code"
          class="code"
          type="text"
          value="${view.code ?? ''}"
          maxlength="32"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          required
          autofocus
        />
        <div class="actions"><button type="submit">${t.submit}</button></div>
      </form>`,
  );
}
