/**
 * The two boxes MFA secrets are sealed in (secret-box.ts): at rest in the store, keyed by the
 * configured `mfaEncryptionSecret` (plain without one); and, during an enrolment, inside the
 * session cookie, keyed by the cookie secret (a session dies with it anyway).
 */
import type { ServerContext } from '../context.js';
import { SecretBox } from './secret-box.js';

/** Where TOTP secrets are sealed. */
export interface MfaSecrets {
  /** TOTP secrets in the store, bound to the user id. */
  readonly atRest: SecretBox;
  /** The secret of an enrolment in progress, in the session cookie, bound to the user id. */
  readonly inSession: SecretBox;
}

/** The boxes of a server. */
export function mfaSecrets(context: Pick<ServerContext, 'config' | 'cookieSecret'>): MfaSecrets {
  return {
    atRest: new SecretBox(context.config.mfaEncryptionSecret, 'mfa/totp-secret'),
    inSession: new SecretBox(context.cookieSecret, 'verification/totp-enrolment'),
  };
}
