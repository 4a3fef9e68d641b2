import type { ParsedBody } from './body.js';
import { redactBody } from './redact.js';

/**
 * An OAuth error response (RFC 6749 §5.2), with the extensions providers add: Entra's
 * `error_codes` (AADSTS numbers), `suberror`, `trace_id`, `correlation_id`, `timestamp`,
 * `claims`; GitHub's `interval` on `slow_down`.
 */
export interface OAuthErrorResponse {
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;
  readonly errorCodes: readonly number[];
  readonly suberror: string | undefined;
  readonly traceId: string | undefined;
  readonly correlationId: string | undefined;
  readonly timestamp: string | undefined;
  readonly claims: string | undefined;
  /** A new polling interval in seconds, when the server sends one (GitHub's `slow_down`). */
  readonly interval: number | undefined;
  /** Raw Retry-After header, if any. */
  readonly retryAfter: string | null;
  /** The body with secret fields redacted, for diagnostics. */
  readonly body: Readonly<Record<string, unknown>>;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function errorCodes(value: unknown): number[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.map((v) => Number(v)).filter((n) => Number.isInteger(n));
}

/**
 * Replaces every occurrence of the given secrets (the device code and client secret a request
 * sent) in an error's description and body, for servers that echo them back.
 */
export function scrubOAuthError(error: OAuthErrorResponse, secrets: readonly string[]): OAuthErrorResponse {
  const live = secrets.filter((s) => s.length > 0);
  if (live.length === 0) return error;
  const scrub = (text: string): string => live.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error.body)) body[key] = typeof value === 'string' ? scrub(value) : value;
  const maybe = (value: string | undefined): string | undefined => (value === undefined ? undefined : scrub(value));
  // Every text a server chose: a server that echoes the request may put a secret in any of them.
  return Object.freeze({
    ...error,
    error: scrub(error.error),
    errorDescription: maybe(error.errorDescription),
    errorUri: maybe(error.errorUri),
    suberror: maybe(error.suberror),
    traceId: maybe(error.traceId),
    correlationId: maybe(error.correlationId),
    timestamp: maybe(error.timestamp),
    body: Object.freeze(body),
  });
}

/** True when a parsed body is an OAuth error (has a string `error`), whatever the HTTP status. */
export function isOAuthErrorBody(body: ParsedBody): boolean {
  return typeof body['error'] === 'string' && body['error'] !== '';
}

/** Extracts an {@link OAuthErrorResponse} from a body that {@link isOAuthErrorBody} accepted. */
export function toOAuthError(body: ParsedBody, status: number, retryAfter: string | null): OAuthErrorResponse {
  const interval = Number(body['interval']);
  return Object.freeze({
    status,
    error: String(body['error']),
    errorDescription: text(body['error_description']),
    errorUri: text(body['error_uri']),
    errorCodes: Object.freeze(errorCodes(body['error_codes'])),
    suberror: text(body['suberror']),
    traceId: text(body['trace_id']),
    correlationId: text(body['correlation_id']),
    timestamp: text(body['timestamp']),
    claims: text(body['claims']),
    interval: Number.isFinite(interval) && interval > 0 ? interval : undefined,
    retryAfter,
    body: redactBody(body),
  });
}
