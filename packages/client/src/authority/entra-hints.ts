/**
 * Hints for the Entra AADSTS codes users hit most with the device code flow
 * (../shared/PROTOCOL-NOTES.md §B). Shown next to the server's own description.
 */
export const AADSTS_HINTS: Readonly<Record<number, string>> = Object.freeze({
  50059:
    'No tenant could be determined: use a tenanted authority (https://login.microsoftonline.com/<tenant-id or domain>) instead of /common.',
  90133: 'The device code flow is not supported on this authority: use /organizations or a tenanted authority.',
  90002: 'The tenant does not exist: check the tenant id or domain in the authority.',
  9002332: 'This app only accepts work or school accounts: do not use the /consumers authority.',
  7000218:
    'The app registration does not allow public client flows: set "Allow public client flows" to Yes under Authentication.',
  53003:
    "Conditional Access blocked the sign-in: the tenant's policy may block the device code flow; ask an administrator.",
  50097: 'Device authentication is required by policy: sign in from a managed (registered) device.',
  90119: 'The user code is invalid or was already used: start the sign-in again.',
  90120: 'The device code flow is not allowed for this account type: use another authority or account.',
  50196:
    'The client polled faster than the server allows: start again; if this repeats, report it (the client honours the advertised interval).',
  700082: 'The refresh token expired from inactivity: sign in again.',
  70008: 'The refresh token or grant expired: sign in again.',
  70043: 'The refresh token expired because of a sign-in frequency policy: sign in again.',
  50173: 'The grant was revoked (password change or admin action): sign in again.',
  50079: 'Multi-factor authentication is required: sign in again interactively.',
  50076: 'Multi-factor authentication is required: sign in again interactively.',
});

/** The hint for the first known AADSTS code in `codes`, if any. */
export function hintForAadsts(codes: readonly number[]): string | undefined {
  for (const code of codes) {
    const hint = AADSTS_HINTS[code];
    if (hint !== undefined) return hint;
  }
  return undefined;
}
