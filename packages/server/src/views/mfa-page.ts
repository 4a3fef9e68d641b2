import { PATHS } from '../verification/paths.js';
import { fieldDescription, formError } from './form-error.js';
import { totpInput } from './totp-input.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/** What the verification page shows. */
export interface MfaView {
  readonly csrf: string;
  /** The one message for a wrong, stale or replayed TOTP code, or a wrong or used recovery code. */
  readonly invalid?: boolean;
  /** Open the recovery code form (the last attempt used it). */
  readonly recovery?: boolean;
}

/**
 * `GET /device/mfa` for an enrolled user: the 6-digit code from the authenticator app, and a
 * recovery code instead in a `<details>` section (a second form; opens without JavaScript).
 */
export function mfaPage(view: MfaView): Page {
  return (context) => {
    const t = context.t.mfa;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        ${formError(t.invalid, view.invalid)}
        <p>${t.intro}</p>
        <form method="post" action="${PATHS.mfa}">
          <input type="hidden" name="csrf" value="${view.csrf}" />
          <label for="code">${t.codeLabel}</label>
          <p id="code_hint" class="hint">${t.codeHint}</p>
          ${totpInput({ invalid: view.invalid === true && view.recovery !== true, hintId: 'code_hint', autofocus: true })}
          <div class="actions"><button type="submit">${t.submit}</button></div>
        </form>
        <details class="recovery" ${view.recovery === true ? html`open` : ''}>
          <summary>${t.recoveryToggle}</summary>
          <form method="post" action="${PATHS.mfaRecovery}">
            <input type="hidden" name="csrf" value="${view.csrf}" />
            <label for="recovery_code">${t.recoveryLabel}</label>
            <p id="recovery_code_hint" class="hint">${t.recoveryHint}</p>
            <input
              id="recovery_code"
              name="recovery_code"
              class="code"
              type="text"
              maxlength="64"
              autocomplete="off"
              autocapitalize="none"
              ${fieldDescription(view.invalid === true && view.recovery === true, 'recovery_code_hint')}
              spellcheck="false"
              required
            />
            <div class="actions"><button type="submit">${t.recoverySubmit}</button></div>
          </form>
        </details>`,
      { error: view.invalid },
    );
  };
}
