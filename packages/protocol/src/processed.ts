import { parseBody, type ParsedBody } from './body.js';
import { InvalidResponseError } from './errors.js';
import type { ReceivedResponse } from './http-response.js';
import { isOAuthErrorBody, toOAuthError, type OAuthErrorResponse } from './oauth-error.js';

/**
 * The outcome of processing one protocol response:
 * - `ok`: a valid success response;
 * - `oauth_error`: the server answered an OAuth error (a body with `error`, on any status);
 * - `http_error`: a non-2xx status without an OAuth error body (a proxy page, a 503, a 429).
 *
 * Malformed responses are not outcomes: they throw {@link InvalidResponseError}.
 */
export type Processed<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'oauth_error'; readonly error: OAuthErrorResponse }
  | { readonly kind: 'http_error'; readonly status: number; readonly retryAfter: string | null };

/**
 * Shared first step of every `process*` function: parses the body, sorts out OAuth errors and
 * non-2xx statuses, and hands a 2xx body without `error` to `validate`.
 */
export function processResponse<T>(response: ReceivedResponse, validate: (body: ParsedBody) => T): Processed<T> {
  const success = response.status >= 200 && response.status < 300;
  let body: ParsedBody;
  try {
    body = parseBody(response);
  } catch (error) {
    if (success || !(error instanceof InvalidResponseError)) throw error;
    return { kind: 'http_error', status: response.status, retryAfter: response.retryAfter };
  }
  if (isOAuthErrorBody(body)) {
    return { kind: 'oauth_error', error: toOAuthError(body, response.status, response.retryAfter) };
  }
  if (!success) return { kind: 'http_error', status: response.status, retryAfter: response.retryAfter };
  return { kind: 'ok', value: validate(body) };
}
