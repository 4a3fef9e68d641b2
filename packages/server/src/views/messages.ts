/**
 * Every string the verification pages show, in one catalogue (English for now). A translation
 * is another object of type {@link Messages}; values are plain text, escaped by the views.
 */

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2026-01-01 10:15 UTC`. */
function utcTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Scopes in plain words; a scope not listed is shown as it is. */
const SCOPES: Readonly<Record<string, string>> = {
  openid: 'Sign you in',
  profile: 'See your basic profile',
  offline_access: 'Stay signed in (refresh tokens)',
};

/** The English catalogue. */
export const messages = {
  lang: 'en',
  product: 'Device sign-in',
  codeEntry: {
    title: 'Enter code',
    intro: 'Enter the code displayed on your app or device.',
    label: 'Code',
    submit: 'Next',
    confirmPrefilled:
      'This code came with the link you opened. Check that it matches the code shown on your device, then select Next.',
    invalid:
      'That code didn’t work. Check the code and try again. Codes expire after a few minutes and work only once: if yours is old, ask your device for a new one.',
  },
  rateLimited: {
    title: 'Too many attempts',
    text: (retryAt: number, now: number): string =>
      `There have been too many attempts. Try again in ${plural(
        Math.max(1, Math.ceil((retryAt - now) / 60_000)),
        'minute',
        'minutes',
      )} (after ${utcTime(retryAt)}).`,
  },
  signIn: {
    title: 'Sign in',
    intro: (tenant: string): string => `Sign in with your ${tenant} account.`,
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    invalid: 'Your username or password is incorrect.',
  },
  consent: {
    title: 'Approve sign-in?',
    question: (app: string): string => `Are you trying to sign in to ${app}?`,
    signedInAs: (displayName: string, username: string): string => `Signed in as ${displayName} (${username}).`,
    permissions: 'If you allow, it will be able to:',
    scopes: SCOPES,
    requested: 'The sign-in was requested',
    thisBrowser: 'This browser',
    when: 'When',
    ip: 'IP address',
    userAgent: 'User agent',
    unknown: 'unknown',
    age: (at: number, now: number): string => {
      const minutes = Math.floor(Math.max(0, now - at) / 60_000);
      const ago = minutes === 0 ? 'less than a minute ago' : `${plural(minutes, 'minute', 'minutes')} ago`;
      return `${ago} (${utcTime(at)})`;
    },
    warning: 'Only continue if you started this sign-in on a device in front of you.',
    allow: 'Allow',
    deny: 'Deny',
  },
  codeBlocked: {
    title: 'Code blocked',
    text: 'There were too many failed sign-in attempts with this code, so it has been blocked and nothing was granted. Start again on your device to get a new code.',
    restart: 'Enter a new code',
  },
  alreadyUsed: {
    title: 'Code already used',
    text: 'This code has already been used. If you still need to sign in, ask your device for a new code.',
  },
  done: {
    approvedTitle: 'You’re signed in',
    approved: 'You have allowed the sign-in on your device.',
    deniedTitle: 'Sign-in denied',
    denied: 'Nothing was granted.',
    close: 'You can close this window and return to your device.',
  },
  failure: {
    title: 'Something went wrong',
    text: 'The page could not be shown. Try again in a moment.',
  },
  expired: {
    title: 'Page expired',
    text: 'This page has expired or was not opened from this site. Nothing was changed.',
    restart: 'Start again',
  },
};

/** The shape a translation of {@link messages} must have. */
export type Messages = typeof messages;
