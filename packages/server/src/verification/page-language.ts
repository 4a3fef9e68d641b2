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

/** How long the switcher's choice is remembered. */
const LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600;

function queryOf(request: FastifyRequest): URLSearchParams {
  const at = request.url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : request.url.slice(at + 1));
}

/**
 * This page in `language`: the same path with `?lang=` and the parameters the page chose to keep
 * (a pre-filled deep link keeps its code); nothing else of the request's query is reflected.
 */
function hrefIn(request: FastifyRequest, language: Language, keep: Readonly<Record<string, string>>): string {
  const query = new URLSearchParams({ lang: language, ...keep });
  return `${request.url.split('?', 1)[0] ?? ''}?${query.toString()}`;
}

/**
 * The language a page is answered in (`?lang=` from the switcher, then the remembered choice,
 * then Accept-Language, then English) and the switcher's links, which keep the query parameters
 * in `keep`. A `?lang=` choice is remembered
 * in a cookie; the answer says which headers it varied on and which language it is in.
 */
export function pageContext(
  request: FastifyRequest,
  reply: FastifyReply,
  keep: Readonly<Record<string, string>> = {},
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
    languages: LANGUAGES.map((lang) => ({
      lang,
      name: catalogue(lang).languageName,
      href: hrefIn(request, lang, keep),
      current: lang === language,
    })),
  };
}
