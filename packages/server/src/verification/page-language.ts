import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import {
  catalogue,
  isLanguage,
  LANGUAGE_COOKIE,
  LANGUAGES,
  pickLanguage,
  type Language,
} from '../views/i18n/language.js';
import type { PageContext } from '../views/page.js';
import { PATHS } from './paths.js';

/** How long the switcher's choice is remembered. */
const LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600;

function queryOf(request: FastifyRequest): URLSearchParams {
  const at = request.url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : request.url.slice(at + 1));
}

/**
 * Paths only POSTs reach → the GET page that shows the same step: a switcher link must be
 * something a browser can GET (`/device/mfa/enrol?lang=fr` would be a 404). A wrong enrolment
 * code or recovery code shows its form again there, in the other language.
 */
const SWITCH_ON: Readonly<Record<string, string>> = {
  [PATHS.mfaEnrol]: PATHS.mfa,
  [PATHS.mfaRecovery]: PATHS.mfa,
};

/**
 * This page in `language`: the same path (or its GET page) with `?lang=` and the parameters the
 * page chose to keep (a pre-filled deep link keeps its code); nothing else of the request's query
 * is reflected.
 */
function hrefIn(request: FastifyRequest, language: Language, keep: Readonly<Record<string, string>>): string {
  const query = new URLSearchParams({ lang: language, ...keep });
  const path = request.url.split('?', 1)[0] ?? '';
  return `${SWITCH_ON[path] ?? path}?${query.toString()}`;
}

/** How a page's language switcher is drawn. */
export interface SwitcherOptions {
  /** Query parameters the switcher's links keep (only these; nothing else is reflected). */
  readonly keep?: Readonly<Record<string, string>>;
  /**
   * False for a page that cannot be shown again (the recovery codes, shown once): no switcher,
   * since following it would lose what the page holds.
   */
  readonly switcher?: boolean;
}

/**
 * The language a page is answered in (`?lang=` from the switcher, then the remembered choice,
 * then Accept-Language, then English) and the switcher's links (see {@link SwitcherOptions}). A
 * `?lang=` choice is remembered in a cookie; the answer says which headers it varied on and which
 * language it is in.
 */
export function pageContext(
  request: FastifyRequest,
  reply: FastifyReply,
  { keep = {}, switcher = true }: SwitcherOptions = {},
): PageContext {
  const chosen = queryOf(request).get('lang') ?? undefined;
  const language = pickLanguage({
    query: chosen,
    cookie: request.cookies[LANGUAGE_COOKIE],
    acceptLanguage: request.headers['accept-language'],
  });
  if (isLanguage(chosen)) {
    void reply.setCookie(LANGUAGE_COOKIE, chosen, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      maxAge: LANGUAGE_COOKIE_SECONDS,
    });
  }
  void reply.header('content-language', language).header('vary', 'Accept-Language, Cookie');
  return {
    t: catalogue(language),
    languages: (switcher ? LANGUAGES : []).map((lang) => ({
      lang,
      name: catalogue(lang).languageName,
      href: hrefIn(request, lang, keep),
      current: lang === language,
    })),
  };
}
