/**
 * The one way pages build HTML: a tagged template that escapes every interpolated value unless
 * it is already {@link SafeHtml} (the output of another `html` template). There is deliberately
 * no "raw" escape hatch for strings: markup only ever comes from template literals in views/.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is known to be safe: produced by {@link html}, never from outside input. */
export class SafeHtml {
  readonly #markup: string;
  /** @internal Only {@link html} creates instances. */
  constructor(markup: string, token: typeof MINT) {
    if (token !== MINT) throw new TypeError('SafeHtml is created by the html template only');
    this.#markup = markup;
  }
  /** The markup, ready to send. */
  toString(): string {
    return this.#markup;
  }
}

const MINT: unique symbol = Symbol('SafeHtml');

/** What may be interpolated: text (escaped), numbers, safe markup, lists of those, or nothing. */
export type HtmlValue = string | number | SafeHtml | undefined | null | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(render).join('');
}

/**
 * Builds markup; every `${value}` is HTML-escaped unless it is itself `html` output.
 *
 * @example html`<p>${userAgent}</p>` // "<script>" in userAgent becomes "&lt;script&gt;"
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, i) => {
    markup += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(markup, MINT);
}
