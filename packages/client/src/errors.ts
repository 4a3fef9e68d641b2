import { DeviceLoginError, InvalidResponseError, type OAuthErrorResponse } from '@devicelogin/protocol';

export { DeviceLoginError, InvalidResponseError };

/**
 * Every stable error code the client can raise. `switch (error.code)` over this union is
 * exhaustive; docs/errors.md lists each one (a test keeps the two in step).
 */
export type ClientErrorCode = ClientError['code'];

/** The union of the client's error classes, discriminated by `code`. */
export type ClientError =
  | AuthorizationDeclinedError
  | DeviceCodeExpiredError
  | BadVerificationCodeError
  | CancelledError
  | TimeoutError
  | InteractionRequiredError
  | FlowNotEnabledError
  | ServerError
  | NetworkError
  | RequestTimeoutError
  | InvalidResponseError
  | IdTokenValidationError
  | ConfigurationError
  | InvalidFlowError
  | CacheLockTimeoutError
  | KeyringUnavailableError
  | CacheIoError
  | DpopNonceError
  | DpopKeyError;

/** Narrows an unknown thrown value to one of the client's typed errors. */
export function isClientError(error: unknown): error is ClientError {
  return error instanceof DeviceLoginError;
}

/** Fields an OAuth error response carries, kept on errors for diagnostics (never tokens). */
export interface ServerErrorDetails {
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string | undefined;
  /** Entra's AADSTS numbers (`error_codes`). */
  readonly errorCodes: readonly number[];
  readonly suberror: string | undefined;
  readonly traceId: string | undefined;
  readonly correlationId: string | undefined;
  readonly timestamp: string | undefined;
  /** The response body with secret fields redacted. */
  readonly body: Readonly<Record<string, unknown>>;
}

function details(response: OAuthErrorResponse): ServerErrorDetails {
  return Object.freeze({
    status: response.status,
    error: response.error,
    errorDescription: response.errorDescription,
    errorCodes: response.errorCodes,
    suberror: response.suberror,
    traceId: response.traceId,
    correlationId: response.correlationId,
    timestamp: response.timestamp,
    body: response.body,
  });
}

/** The user refused the sign-in on the verification page (`access_denied`, Entra's `authorization_declined`). */
export class AuthorizationDeclinedError extends DeviceLoginError {
  readonly code = 'authorization_declined' as const;
  readonly server: ServerErrorDetails;
  constructor(response: OAuthErrorResponse) {
    super('The user declined the sign-in request.');
    this.server = details(response);
  }
}

/**
 * The device code expired before the user finished: reported by the server (`expired_token`)
 * or detected by the client itself when `expires_in` has passed (`server` is then undefined).
 */
export class DeviceCodeExpiredError extends DeviceLoginError {
  readonly code = 'device_code_expired' as const;
  readonly server: ServerErrorDetails | undefined;
  /**
   * @param response the server's `expired_token` answer, when the server reported it.
   * @param lastFailure the last transient failure (network, 5xx) seen while polling, if the
   * code ran out while the server was unreachable: kept as `cause`.
   */
  constructor(response?: OAuthErrorResponse, lastFailure?: unknown) {
    super(
      response === undefined
        ? 'The device code expired before the sign-in was completed (checked by the client). Start again.'
        : 'The device code expired before the sign-in was completed. Start again.',
      lastFailure === undefined ? undefined : { cause: lastFailure },
    );
    this.server = response === undefined ? undefined : details(response);
  }
}

/** The server does not know the device code (Entra `bad_verification_code`, GitHub `incorrect_device_code`). */
export class BadVerificationCodeError extends DeviceLoginError {
  readonly code = 'bad_verification_code' as const;
  readonly server: ServerErrorDetails;
  constructor(response: OAuthErrorResponse) {
    super('The server did not recognise the device code. Start the sign-in again.');
    this.server = details(response);
  }
}

/** The caller's AbortSignal aborted the operation. `cause` is the signal's reason. */
export class CancelledError extends DeviceLoginError {
  readonly code = 'cancelled' as const;
  constructor(cause: unknown) {
    super('The operation was cancelled.', { cause });
  }
}

/** The operation's own `timeoutMs` elapsed before it finished. */
export class TimeoutError extends DeviceLoginError {
  readonly code = 'timeout' as const;
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`The operation did not finish within ${timeoutMs} ms.`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The user must sign in again interactively (`interaction_required`, `login_required`,
 * `consent_required`, or a dead refresh token). Catch this family to restart the device flow.
 */
export class InteractionRequiredError extends DeviceLoginError {
  readonly code = 'interaction_required' as const;
  readonly server: ServerErrorDetails | undefined;
  /** A claims challenge to pass to the next interactive request, when the server sent one. */
  readonly claims: string | undefined;
  constructor(reason: string, response?: OAuthErrorResponse) {
    super(`Interactive sign-in is required: ${reason}`);
    this.server = response === undefined ? undefined : details(response);
    this.claims = response?.claims;
  }
}

/**
 * The provider refuses the device flow for this client (e.g. Entra AADSTS7000218 "allow public
 * client flows" off, GitHub `device_flow_disabled`). `hint` says what to change and where.
 */
export class FlowNotEnabledError extends DeviceLoginError {
  readonly code = 'flow_not_enabled' as const;
  readonly hint: string;
  readonly server: ServerErrorDetails;
  constructor(response: OAuthErrorResponse, hint: string) {
    super(`The device code flow is not enabled for this client. ${hint}`);
    this.hint = hint;
    this.server = details(response);
  }
}

/**
 * The server answered with an error the client cannot resolve by itself: an OAuth error body,
 * or an HTTP error status. `hint` explains known Entra AADSTS codes.
 */
export class ServerError extends DeviceLoginError {
  readonly code = 'server_error' as const;
  readonly status: number;
  readonly server: ServerErrorDetails | undefined;
  readonly hint: string | undefined;
  constructor(
    message: string,
    options: { status: number; response?: OAuthErrorResponse; hint?: string; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.server = options.response === undefined ? undefined : details(options.response);
    this.hint = options.hint;
  }
}

/** The request could not reach the server (DNS, connection refused or reset, TLS, proxy). */
export class NetworkError extends DeviceLoginError {
  readonly code = 'network_error' as const;
  /** The endpoint that was called (origin and path only). */
  readonly endpoint: string;
  constructor(endpoint: string, cause: unknown) {
    super(`Could not reach ${endpoint}: ${describeCause(cause)}`, { cause });
    this.endpoint = endpoint;
  }
}

/** One HTTP request took longer than `requestTimeoutMs`. */
export class RequestTimeoutError extends DeviceLoginError {
  readonly code = 'request_timeout' as const;
  readonly endpoint: string;
  readonly timeoutMs: number;
  constructor(endpoint: string, timeoutMs: number) {
    super(`No response from ${endpoint} within ${timeoutMs} ms.`);
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }
}

/** The id_token failed verification (signature, issuer, audience, expiry). `reason` is jose's code. */
export class IdTokenValidationError extends DeviceLoginError {
  readonly code = 'invalid_id_token' as const;
  readonly reason: string;
  constructor(reason: string, message: string, cause?: unknown) {
    super(`The id_token failed validation: ${message}`, cause === undefined ? undefined : { cause });
    this.reason = reason;
  }
}

/** The client's configuration or a request option is wrong; `option` names it. */
export class ConfigurationError extends DeviceLoginError {
  readonly code = 'configuration_error' as const;
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`Invalid configuration: ${option} ${problem}`);
    this.option = option;
  }
}

/** A flow passed to `completeDeviceCode` is malformed or belongs to another client. */
export class InvalidFlowError extends DeviceLoginError {
  readonly code = 'invalid_flow' as const;
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`Invalid device code flow: ${field} ${problem}`);
    this.field = field;
  }
}

/** Another process held the token cache lock for longer than the configured wait. */
export class CacheLockTimeoutError extends DeviceLoginError {
  readonly code = 'cache_lock_timeout' as const;
  readonly lockPath: string;
  readonly waitedMs: number;
  constructor(lockPath: string, waitedMs: number) {
    super(
      `The token cache is locked by another process (${lockPath}); gave up after ${waitedMs} ms. If no other devicelogin process is running, the lock is stale and will be recovered once it is old enough.`,
    );
    this.lockPath = lockPath;
    this.waitedMs = waitedMs;
  }
}

/**
 * No OS keyring is reachable to hold the cache encryption key (headless Linux, containers, SSH
 * sessions without D-Bus). `hint` names the fixes: start a Secret Service, or opt in to a
 * plaintext cache.
 */
export class KeyringUnavailableError extends DeviceLoginError {
  readonly code = 'keyring_unavailable' as const;
  readonly hint: string;
  constructor(cause: unknown) {
    const hint =
      'Run inside a desktop session or start a Secret Service (e.g. gnome-keyring with D-Bus), or opt in to an unencrypted cache file (mode 0600) with the plaintext option or DEVICELOGIN_CACHE_PLAINTEXT=1.';
    super(`No OS keyring is available to protect the token cache. ${hint}`, { cause });
    this.hint = hint;
  }
}

/** The token cache file could not be read or written (permissions, disk full, not a directory). */
export class CacheIoError extends DeviceLoginError {
  readonly code = 'cache_io_error' as const;
  readonly path: string;
  constructor(path: string, operation: string, cause: unknown) {
    super(`Could not ${operation} the token cache at ${path}: ${describeCause(cause)}`, { cause });
    this.path = path;
  }
}

/**
 * The server asked for a new DPoP nonce (`use_dpop_nonce` with a `DPoP-Nonce` header) twice in
 * a row: once is normal (RFC 9449 §8) and the client retries with the nonce at once; a second
 * time means the server does not accept the nonces it hands out.
 */
export class DpopNonceError extends DeviceLoginError {
  readonly code = 'dpop_nonce_rejected' as const;
  /** The endpoint (origin and path only). */
  readonly endpoint: string;
  constructor(endpoint: string) {
    super(`${endpoint} rejected the DPoP nonce it had just issued (use_dpop_nonce twice in a row).`);
    this.endpoint = endpoint;
  }
}

/**
 * A DPoP-bound access token cannot be used: the key it is bound to is not in the token cache
 * any more (the account was removed or signed in again with a new key), or the token was not
 * obtained by this client. Get a new token (`acquireTokenSilent`, or sign in again).
 */
export class DpopKeyError extends DeviceLoginError {
  readonly code = 'dpop_key_unavailable' as const;
  constructor(reason: string) {
    super(`No DPoP key for this token: ${reason}. Get a new token (acquireTokenSilent, or sign in again).`);
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause;
    const code = inner instanceof Error && 'code' in inner ? String(inner.code) : undefined;
    return code === undefined ? cause.message : `${cause.message} (${code})`;
  }
  return String(cause);
}
