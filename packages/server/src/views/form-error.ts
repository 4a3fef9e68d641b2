import { html, type SafeHtml } from './html.js';

/** The id of a form page's error message, which the fields it is about point to. */
export const FORM_ERROR_ID = 'form_error';

/** A form page's error message (announced when the page loads), or nothing. */
export function formError(text: string, shown: boolean | undefined): SafeHtml | false {
  return shown === true && html`<p id="${FORM_ERROR_ID}" class="error" role="alert">${text}</p>`;
}

/**
 * A field's `aria-describedby` (its hints, and the error first when the field is invalid) and,
 * when invalid, `aria-invalid="true"`: screen readers read the error with the field.
 */
export function fieldDescription(invalid: boolean | undefined, ...hintIds: readonly string[]): SafeHtml | false {
  const ids = [...(invalid === true ? [FORM_ERROR_ID] : []), ...hintIds];
  if (ids.length === 0) return false;
  return invalid === true
    ? html`aria-describedby="${ids.join(' ')}" aria-invalid="true"`
    : html`aria-describedby="${ids.join(' ')}"`;
}
