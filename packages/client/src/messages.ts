/** Instruction text shown to the user when the server sends no `message`. */
const TEMPLATES = {
  en: 'To sign in, use a web browser to open the page {uri} and enter the code {code} to authenticate.',
  fr: 'Pour vous connecter, utilisez un navigateur web pour ouvrir la page {uri} et entrez le code {code} pour vous authentifier.',
} as const;

/** Builds the sign-in instruction in English or French. */
export function deviceCodeMessage(language: 'en' | 'fr', verificationUri: string, userCode: string): string {
  return TEMPLATES[language].replace('{uri}', verificationUri).replace('{code}', userCode);
}

/** Region tag used with Entra's `mkt` query parameter. */
export function marketFor(language: 'en' | 'fr'): string {
  return language === 'fr' ? 'fr-FR' : 'en-US';
}
