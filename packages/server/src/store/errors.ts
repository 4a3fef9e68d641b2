/**
 * Errors a {@link Store} backend raises that callers act on. Anything else a store throws is a
 * bug or a constraint violation and stays a plain error (a 500).
 */

/**
 * The database cannot be reached right now (connection refused or reset, server shutting down or
 * starting, too many connections, connect timeout). Transient: the request may be retried later
 * and the store recovers by itself once the database is back. The app answers 503 with
 * `Retry-After` (app.ts).
 *
 * `message` never contains the connection string; the driver's error is kept as `cause` (for
 * logs: it may name the host, never the password).
 */
/** `Retry-After` (seconds) of the 503 answered while the store is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export class StoreUnavailableError extends Error {
  /** Stable code for logs and `switch`es. */
  readonly code = 'store_unavailable';
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
