/**
 * The base of devicelogin's typed error catalogue.
 *
 * Every error thrown by devicelogin packages extends {@link DeviceLoginError} and carries a stable
 * `code` (documented in docs/errors.md, checked by a test), a human message that never contains a
 * token, code, password or secret, and the underlying `cause` when there is one.
 */
export abstract class DeviceLoginError extends Error {
  /** Stable, documented identifier of the error kind; switch on it, not on the class name. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The server answered something that is not a valid response for the step: wrong content type,
 * unparsable body, or a field missing or of the wrong type. `field` names the culprit.
 */
export class InvalidResponseError extends DeviceLoginError {
  readonly code = 'invalid_response' as const;
  /** The response field (or `body`, `content-type`, `status`) that failed validation. */
  readonly field: string;
  /** HTTP status of the response, when one was received. */
  readonly status: number | undefined;

  constructor(field: string, problem: string, options?: { status?: number; cause?: unknown }) {
    super(`Invalid response from the server: ${field} ${problem}`, options);
    this.field = field;
    this.status = options?.status;
  }
}
