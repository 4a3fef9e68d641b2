/**
 * Encodes parameters as `application/x-www-form-urlencoded`. Undefined values are left out, so
 * optional parameters can be passed straight through.
 */
export function formEncode(parameters: Readonly<Record<string, string | undefined>>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value !== undefined) form.append(key, value);
  }
  return form.toString();
}
