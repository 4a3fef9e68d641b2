import { fieldDescription } from './form-error.js';
import { html, type SafeHtml } from './html.js';

/** How a TOTP code field is described and focused on its page. */
export interface TotpInputOptions {
  /** The form's last attempt failed (the field points to the error). */
  readonly invalid: boolean;
  /** The id of the hint that describes the field. */
  readonly hintId: string;
  readonly autofocus?: boolean;
}

/**
 * The one TOTP code field (`name="code"`) of the MFA pages: numeric keyboard on phones, the
 * authenticator's `one-time-code` autofill, spaces allowed ("123 456"), at most 8 characters.
 */
export function totpInput(options: TotpInputOptions): SafeHtml {
  return html`<input
    id="code"
    name="code"
    class="code"
    type="text"
    inputmode="numeric"
    pattern="[0-9 ]*"
    maxlength="8"
    autocomplete="one-time-code"
    ${fieldDescription(options.invalid, options.hintId)}
    spellcheck="false"
    required
    ${options.autofocus === true && html`autofocus`}
  />`;
}
