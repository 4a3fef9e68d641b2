import { PATHS } from '../verification/paths.js';
import { formError } from './form-error.js';
import { totpInput } from './totp-input.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';
import { qrCodeSvg } from './qr-code.js';
import { spokenGroups } from './spoken.js';

/** What the enrolment page shows. */
export interface MfaEnrolView {
  readonly csrf: string;
  /** The user's tenant, named in the explanation. */
  readonly tenant: string;
  /** The `otpauth://` URI the QR code carries. */
  readonly uri: string;
  /** The base32 secret in groups of four, for typing it in (read out grouped: spoken.ts). */
  readonly keyGroups: readonly string[];
  /** The confirming code did not match. */
  readonly invalid?: boolean;
}

/**
 * `GET /device/mfa` for a user who must enrol: the QR code, the same secret as a manual key, and
 * the form confirming a code from the app (the secret itself stays in the sealed session).
 */
export function mfaEnrolPage(view: MfaEnrolView): Page {
  return (context) => {
    const t = context.t.mfaEnrol;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        ${formError(t.invalid, view.invalid)}
        <p>${t.intro(view.tenant)}</p>
        <p>${t.scan}</p>
        ${qrCodeSvg(view.uri, t.qrLabel)}
        <p id="totp_key_hint">${t.manual}</p>
        <p class="totp-key">
          <span class="sr-only">${t.keyLabel}: </span
          ><strong class="code-display">${spokenGroups(view.keyGroups, ' ')}</strong>
        </p>
        <form method="post" action="${PATHS.mfaEnrol}">
          <input type="hidden" name="csrf" value="${view.csrf}" />
          <label for="code">${t.codeLabel}</label>
          ${totpInput({ invalid: view.invalid === true, hintId: 'totp_key_hint' })}
          <div class="actions"><button type="submit">${t.submit}</button></div>
        </form>`,
      { error: view.invalid },
    );
  };
}
