/** Response and request fields whose values are secrets and must never reach a message or log. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'device_code',
  'user_code',
  'code',
  'client_secret',
  'password',
  'client_assertion',
  'assertion',
  'verification_uri_complete',
  'verification_url_complete',
]);

/**
 * Returns a shallow copy of a response body with every secret field replaced by `"[redacted]"`,
 * so that it can be kept on an error for diagnostics.
 */
export function redactBody(body: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] = SECRET_FIELDS.has(key) ? '[redacted]' : value;
  }
  return Object.freeze(out);
}
