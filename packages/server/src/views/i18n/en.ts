import { plural, utcTime } from './format.js';

/*
 * The English catalogue: every string the verification pages show. Other languages are objects
 * of type {@link Messages} (see fr.ts); values are plain text, escaped by the views. A test
 * (test/verification/i18n.test.ts) fails when a key is missing or left untranslated.
 */

/** Scopes in plain words; a scope not listed is shown as it is. */
const SCOPES: Readonly<Record<string, string>> = {
  openid: 'Sign you in',
  profile: 'See your basic profile',
  email: 'See your email address',
  offline_access: 'Stay signed in (refresh tokens)',
  /** The demo API's scope (`apiAudience` `api://demo`, the npm start demo). */
  'api://demo/read': 'Read your data in the demo API',
};

/** The English catalogue, the reference every translation must match key for key. */
export const en = {
  lang: 'en',
  /** The language's own name, for the switcher. */
  languageName: 'English',
  languageSwitcher: 'Language',
  /** Before the title of a page that shows an error, so screen readers announce it first. */
  errorPrefix: 'Error: ',
  product: 'Device sign-in',
  codeEntry: {
    title: 'Enter code',
    intro: 'Enter the code displayed on your app or device.',
    label: 'Code',
    hint: 'Upper or lower case, with or without the dash.',
    submit: 'Next',
    confirmPrefilled:
      'This code came with the link you opened. Check that it matches the code shown on your device, then select Next.',
    invalid:
      'That code didn’t work. Check the code and try again. Codes expire after a few minutes and work only once: if yours is old, ask your device for a new one.',
    linkUnusable:
      'The code in the link you opened can’t be used: it may have expired or been used already. Enter the code your device shows now.',
  },
  rateLimited: {
    title: 'Too many attempts',
    text: (retryAt: number, now: number): string =>
      `There have been too many attempts. Try again in ${plural(
        Math.max(1, Math.ceil((retryAt - now) / 60_000)),
        'minute',
        'minutes',
      )} (after ${utcTime(retryAt)}).`,
    restart: 'Back to code entry',
  },
  signIn: {
    title: 'Sign in',
    intro: (tenant: string): string => `Sign in with your ${tenant} account.`,
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    invalid: 'Your username or password is incorrect.',
  },
  // --- MFA (TOTP) pages ---
  mfa: {
    title: 'Enter your verification code',
    intro: 'Open your authenticator app and enter the 6-digit code it shows for this account.',
    codeLabel: 'Verification code',
    codeHint: '6 digits, from your authenticator app.',
    submit: 'Verify',
    invalid:
      'That code didn’t work. Enter the code your authenticator app shows now, or use one of your recovery codes.',
    recoveryToggle: 'Use a recovery code instead',
    recoveryLabel: 'Recovery code',
    recoveryHint: 'One of the codes you saved when you set up your authenticator app. Each one works only once.',
    recoverySubmit: 'Use recovery code',
  },
  mfaEnrol: {
    title: 'Set up an authenticator app',
    intro: (tenant: string): string =>
      `Your organisation (${tenant}) requires a second step when you sign in. Set up an authenticator app now: you will need it every time you sign in.`,
    scan: 'Scan this QR code with your authenticator app.',
    qrLabel: 'QR code to set up your authenticator app',
    manual: 'Or type this key into the app (time-based, 6 digits, every 30 seconds):',
    keyLabel: 'Key',
    codeLabel: 'Enter the 6-digit code the app now shows',
    submit: 'Confirm',
    invalid: 'That code didn’t match. Check that your phone’s clock is right, then enter the code the app shows now.',
  },
  recoveryCodes: {
    title: 'Save your recovery codes',
    intro:
      'If you lose your phone, each of these codes lets you sign in once instead of a code from the app. They are shown only now: print them or keep them in a password manager.',
    listLabel: 'Recovery codes',
    continue: 'I have saved them, continue',
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
    software: (software: string, platform: string | undefined): string =>
      platform === undefined ? software : `${software} on ${platform}`,
    unknown: 'unknown',
    age: (at: number, now: number): string => {
      const minutes = Math.floor(Math.max(0, now - at) / 60_000);
      return minutes === 0 ? 'less than a minute ago' : `${plural(minutes, 'minute', 'minutes')} ago`;
    },
    differentNetwork:
      'The device that asked for this sign-in is on a different network than this browser. That is expected for a server, a container or a phone on mobile data; if you did not start this sign-in yourself, select Deny.',
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
    restart: 'Enter a new code',
  },
  done: {
    approvedTitle: 'You’re signed in',
    approved: 'You have allowed the sign-in on your device.',
    deniedTitle: 'Sign-in denied',
    denied: 'Nothing was granted.',
    close: 'You can close this window and return to your device.',
  },
  notFound: {
    title: 'Page not found',
    text: 'There is no page at this address. To sign in a device, enter the code it shows.',
    restart: 'Enter a code',
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

/** The shape every catalogue has: {@link en}'s keys, with the same function signatures. */
export type Messages = typeof en;
