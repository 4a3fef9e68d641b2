import type { SafeHtml } from './html.js';
import type { Messages } from './i18n/en.js';
import type { Language } from './i18n/language.js';

/** A link of the language switcher. */
export interface LanguageLink {
  readonly lang: Language;
  /** The language's own name. */
  readonly name: string;
  /** This page in that language (`?lang=`). */
  readonly href: string;
  readonly current: boolean;
}

/** What every page is rendered with: the request's catalogue and the switcher's links. */
export interface PageContext {
  readonly t: Messages;
  readonly languages: readonly LanguageLink[];
}

/** A page waiting for its language: views return these, `sendPage` renders them. */
export type Page = (context: PageContext) => SafeHtml;
