/** The instruction text of the device authorization response, English or French. */
const MESSAGES = {
  en: 'To sign in, use a web browser to open the page {uri} and enter the code {code} to authenticate.',
  fr: 'Pour vous connecter, utilisez un navigateur web pour ouvrir la page {uri} et entrez le code {code} pour vous authentifier.',
} as const;

/** Picks the language: Entra's `mkt` query parameter first, then Accept-Language; English otherwise. */
export function languageOf(mkt: string | undefined, acceptLanguage: string | undefined): 'en' | 'fr' {
  const wanted = mkt ?? acceptLanguage ?? '';
  return /^\s*fr\b/i.test(wanted) ? 'fr' : 'en';
}

/** The message for a code. */
export function deviceMessage(language: 'en' | 'fr', uri: string, userCode: string): string {
  return MESSAGES[language].replace('{uri}', uri).replace('{code}', userCode);
}
