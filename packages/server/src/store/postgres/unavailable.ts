/**
 * Which driver errors mean "the database is not reachable right now" (→ {@link StoreUnavailableError})
 * rather than "this statement is wrong" (a bug or a constraint violation, left as is).
 */
import { StoreUnavailableError } from '../errors.js';

/** Socket-level failures (Node `code`s) reaching or talking to the server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception) and these: the server is
 * shutting down or was killed (57P01 admin_shutdown, 57P02 crash_shutdown), is starting
 * (57P03 cannot_connect_now), or has no connection slot left (53300 too_many_connections).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * SQLSTATEs with which PostgreSQL ends a backend (57P01 admin_shutdown: pg_terminate_backend or a
 * fast shutdown; 57P02 crash_shutdown): the transaction it was in is aborted, never committed.
 */
const BACKEND_ENDED_SQLSTATES = new Set(['57P01', '57P02']);

/**
 * Did `error` (as thrown by pg, or translated) come from a backend PostgreSQL ended? What the
 * statement was part of was rolled back, so running it again on another connection is safe.
 */
export function backendEnded(error: unknown): boolean {
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && BACKEND_ENDED_SQLSTATES.has(code);
}

/** Errors pg raises without a code when a connection dies or cannot be made in time. */
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout)/;

/** Is `error` (from pg or a socket) a sign that the database is unreachable? */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  // Several addresses tried (localhost → ::1 and 127.0.0.1): Node reports an AggregateError.
  if (error instanceof AggregateError && error.errors.length > 0 && error.errors.every(isUnavailable)) return true;
  return DRIVER_MESSAGES.test(error.message);
}

/**
 * `error` as a {@link StoreUnavailableError} when it means the database is unreachable; any other
 * error unchanged. The message names the failure, never the connection string.
 */
export function translateError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? code : (error as Error).message;
  return new StoreUnavailableError(`PostgreSQL is unavailable (${reason})`, { cause: error });
}
