import { InvalidResponseError } from './errors.js';
import type { ReceivedResponse } from './http-response.js';

/** A response body parsed into a plain object: JSON objects as they are, form bodies as strings. */
export type ParsedBody = Readonly<Record<string, unknown>>;

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Where JSON.parse failed (" at position N"), or nothing. Only the position is kept: V8's message
 * quotes the text around the error, which may hold a device code, user code or token.
 */
function jsonErrorPosition(error: unknown): string {
  const match = error instanceof SyntaxError ? /position (\d+)/.exec(error.message) : null;
  return match === null ? '' : ` at position ${match[1]}`;
}

function parseJson(text: string, status: number): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Not chained as `cause`: its message would carry part of the body (see jsonErrorPosition).
    throw new InvalidResponseError('body', `is not valid JSON${jsonErrorPosition(error)}`, { status });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidResponseError('body', 'is not a JSON object', { status });
  }
  return value as ParsedBody;
}

function parseForm(text: string): ParsedBody {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text.trim())) out[key] = value;
  return out;
}

/**
 * Parses an OAuth response body by its Content-Type: JSON (`application/json`, `*+json`), form
 * (`application/x-www-form-urlencoded`, and `text/plain` which some providers send for form
 * bodies). With no Content-Type, a body starting with `{` is read as JSON, anything else as form.
 * HTML and other types are refused with an {@link InvalidResponseError} naming `content-type`.
 */
export function parseBody(response: ReceivedResponse): ParsedBody {
  const type = mediaType(response.contentType);
  const text = response.body;
  if (type === 'application/json' || type.endsWith('+json')) return parseJson(text, response.status);
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain') {
    return text.trimStart().startsWith('{') ? parseJson(text, response.status) : parseForm(text);
  }
  if (type === '') {
    if (text.trim() === '') throw new InvalidResponseError('body', 'is empty', { status: response.status });
    return text.trimStart().startsWith('{') ? parseJson(text, response.status) : parseForm(text);
  }
  throw new InvalidResponseError('content-type', `is ${type}, expected JSON or a form body`, {
    status: response.status,
  });
}
