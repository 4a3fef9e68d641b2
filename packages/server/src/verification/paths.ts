/** The verification pages' paths (RFC 8628 `verification_uri` is `{publicUrl}/device`). */
export const PATHS = {
  codeEntry: '/device',
  signIn: '/device/signin',
  consent: '/device/consent',
  done: '/device/done',
  stylesheet: '/device/style.css',
} as const;
