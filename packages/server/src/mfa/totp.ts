/**
 * TOTP (RFC 6238) as the server uses it: SHA-1, 6 digits, 30-second steps, a window of ±1 step
 * around the server's clock. Codes are matched with `otpauth`; what this module adds is the time
 * step a code matched (so the store can refuse it, or any earlier one, a second time: replay).
 */
import { Secret, TOTP } from 'otpauth';

/** The parameters every authenticator app supports (Google Authenticator ignores others). */
export const TOTP_PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;

/** Steps accepted either side of the current one (clock drift, a code typed as it changed). */
export const TOTP_WINDOW = 1;

/** Bytes of a new shared secret: 160 bits, RFC 4226's recommendation for HMAC-SHA-1. */
const SECRET_BYTES = 20;

/** A new random shared secret, base32 (RFC 4648, no padding): what the QR code and the manual key carry. */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totp(secretBase32: string, issuer: string, account: string): TOTP {
  return new TOTP({ ...TOTP_PARAMETERS, issuer, label: account, secret: Secret.fromBase32(secretBase32) });
}

/**
 * The `otpauth://totp/…` URI of a secret, for the enrolment QR code (Key Uri Format: issuer
 * in the label and as a parameter).
 */
export function totpUri(secretBase32: string, issuer: string, account: string): string {
  return totp(secretBase32, issuer, account).toString();
}

/** The time step (RFC 6238 `T`) of an instant, epoch ms. */
export function totpStep(at: number): number {
  return TOTP.counter({ period: TOTP_PARAMETERS.period, timestamp: at });
}

/** Six digits exactly, after removing spaces (apps show `123 456`). */
export function normalizeTotpCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/**
 * The time step `code` is valid for, within ±{@link TOTP_WINDOW} steps of `at`, or undefined.
 * Whether that step was already used is the store's business (`useTotpStep`).
 */
export function matchTotp(secretBase32: string, code: string, at: number): number | undefined {
  const token = normalizeTotpCode(code);
  if (token === undefined) return undefined;
  const delta = TOTP.validate({
    ...TOTP_PARAMETERS,
    secret: Secret.fromBase32(secretBase32),
    token,
    timestamp: at,
    window: TOTP_WINDOW,
  });
  return delta === null ? undefined : totpStep(at) + delta;
}

/** The manual key as shown: base32 in groups of four (`JBSW Y3DP …`). */
export function groupedKey(secretBase32: string): string[] {
  return secretBase32.match(/.{1,4}/g) ?? [];
}
