import { en, type Messages } from './en.js';
import { fr } from './fr.js';

/** The languages the pages are written in; the first is the default. */
export const LANGUAGES = ['en', 'fr'] as const;

/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

const CATALOGUES: Readonly<Record<Language, Messages>> = { en, fr };

/** The name of the cookie that remembers the language chosen with the switcher. */
export const LANGUAGE_COOKIE = 'devicelogin_lang';

/** Whether `value` names a supported language. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The catalogue of a language. */
export function catalogue(language: Language): Messages {
  return CATALOGUES[language];
}

/**
 * The best supported language of an `Accept-Language` header (RFC 9110 §12.5.4): ranges by
 * weight (`q`, default 1; `q=0` excludes), a range matching a language or its primary subtag
 * (`fr-CA` → `fr`), `*` meaning the default. Undefined when nothing matches.
 */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (header === undefined) return undefined;
  const ranges = header
    .split(',')
    .slice(0, 32)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.q > 0 && range.tag !== '')
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === '*') return LANGUAGES[0];
    const primary = tag.split('-', 1)[0];
    if (isLanguage(primary)) return primary;
  }
  return undefined;
}

/** Where a request says which language it wants, strongest first. */
export interface LanguageSignals {
  /** `?lang=` of a switcher link. */
  readonly query?: string | undefined;
  /** The remembered choice. */
  readonly cookie?: string | undefined;
  readonly acceptLanguage?: string | undefined;
}

/** The language to answer in: the switcher's choice, then the remembered one, then the browser's. */
export function pickLanguage(signals: LanguageSignals): Language {
  if (isLanguage(signals.query)) return signals.query;
  if (isLanguage(signals.cookie)) return signals.cookie;
  return fromAcceptLanguage(signals.acceptLanguage) ?? LANGUAGES[0];
}
