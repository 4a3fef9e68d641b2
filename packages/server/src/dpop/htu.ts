/**
 * The form of an HTTP URI that DPoP compares (RFC 9449 §4.3 item 9, RFC 3986 §6.2.2–6.2.3):
 * scheme and host lower-cased, default port dropped, no query and no fragment; the path as is.
 * Returns undefined for a value that is not an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // URL already lower-cases scheme and host and drops the scheme's default port.
  return `${url.protocol}//${url.host}${url.pathname}`;
}
