import { PATHS } from '../verification/paths.js';
import { formError } from './form-error.js';
import { totpInput } from './totp-input.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';
import { qrCodeSvg } from './qr-code.js';

/** What the enrolment page shows. */
export interface MfaEnrolView {
  readonly csrf: string;
  /** The user's tenant, named in the explanation. */
  readonly tenant: string;
  /** The `otpauth://` URI the QR code carries. */
  readonly uri: string;
  /** The base32 secret in groups of four, for typing it in. */
  readonly keyGroups: readonly string[];
  /** The confirming code did not match. */
  readonly invalid?: boolean;
}

/**
 * The key shown grouped (`JBSW Y3DP …`) and read out character by character with a pause between
 * groups ("J B S W, Y 3 D P"), as `spokenCode` (code-entry-page.ts) does for user codes; the visible text stays
 * selectable for copying.
 */
function spokenKey(groups: readonly string[]): SafeHtml {
  return html`<span aria-hidden="true">${groups.join(' ')}</span
    ><span class="sr-only">${groups.map((group) => [...group].join(' ')).join(', ')}</span>`;
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
          <span class="sr-only">${t.keyLabel}: </span><strong class="code-display">${spokenKey(view.keyGroups)}</strong>
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
