/** The verification pages' paths (RFC 8628 `verification_uri` is `{publicUrl}/device`). */
export const PATHS = {
  codeEntry: '/device',
  signIn: '/device/signin',
  /** TOTP code (GET shows the step the user needs: code, or enrolment). */
  mfa: '/device/mfa',
  mfaRecovery: '/device/mfa/recovery',
  mfaEnrol: '/device/mfa/enrol',
  consent: '/device/consent',
  done: '/device/done',
  stylesheet: '/device/style.css',
} as const;
