/**
 * OAuth errors the endpoints answer with, and how each dialect renders them: RFC 8628 bodies by
 * default, Entra-style bodies (AADSTS codes, `authorization_declined`, `bad_verification_code`,
 * trace and correlation ids) with `errorDialect: 'entra'`. `detail` is for logs only.
 */
import { randomUUID } from 'node:crypto';

/** An OAuth error answer. */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  /** Public text (`error_description`): never a code, token or secret. */
  readonly description: string;
  readonly suberror: string | undefined;
  /** Entra dialect: the AADSTS number when it is not the usual one for `error` (see `ENTRA`). */
  readonly aadsts: number | undefined;
  constructor(
    status: number,
    error: string,
    description: string,
    options?: { readonly suberror?: string; readonly aadsts?: number },
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
    this.description = description;
    this.suberror = options?.suberror;
    this.aadsts = options?.aadsts;
  }
}

/** Entra's names and AADSTS numbers for the errors a device-flow client meets. */
const ENTRA: Readonly<Record<string, { readonly error: string; readonly code: number }>> = {
  authorization_pending: { error: 'authorization_pending', code: 70016 },
  slow_down: { error: 'slow_down', code: 50196 },
  access_denied: { error: 'authorization_declined', code: 70000 },
  expired_token: { error: 'expired_token', code: 70019 },
  bad_verification_code: { error: 'bad_verification_code', code: 70018 },
  invalid_grant: { error: 'invalid_grant', code: 70008 },
  invalid_request: { error: 'invalid_request', code: 900144 },
  invalid_client: { error: 'invalid_client', code: 700016 },
  unauthorized_client: { error: 'unauthorized_client', code: 700016 },
  unsupported_grant_type: { error: 'unsupported_grant_type', code: 70003 },
  invalid_scope: { error: 'invalid_scope', code: 70011 },
  server_error: { error: 'server_error', code: 50000 },
  temporarily_unavailable: { error: 'temporarily_unavailable', code: 90006 },
};

/** The JSON body of an error in the configured dialect. */
export function errorBody(error: OAuthError, dialect: 'rfc8628' | 'entra', now: number): Record<string, unknown> {
  const suberror = error.suberror === undefined ? {} : { suberror: error.suberror };
  if (dialect === 'rfc8628') {
    // RFC 6749 names an unknown device code `invalid_grant`; Entra says `bad_verification_code`.
    const name = error.error === 'bad_verification_code' ? 'invalid_grant' : error.error;
    return { error: name, error_description: error.description, ...suberror };
  }
  const mapped = ENTRA[error.error] ?? { error: error.error, code: 50000 };
  const entra = { error: mapped.error, code: error.aadsts ?? mapped.code };
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error: entra.error,
    error_description: `AADSTS${entra.code}: ${error.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [entra.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    ...suberror,
  };
}

/** Shorthands for the common errors. */
export const oauthErrors = {
  invalidRequest: (description: string): OAuthError => new OAuthError(400, 'invalid_request', description),
  invalidClient: (description: string): OAuthError => new OAuthError(400, 'invalid_client', description),
  unauthorizedClient: (description: string): OAuthError => new OAuthError(400, 'unauthorized_client', description),
  invalidScope: (description: string): OAuthError => new OAuthError(400, 'invalid_scope', description),
  invalidGrant: (description: string, suberror?: string): OAuthError =>
    new OAuthError(400, 'invalid_grant', description, suberror === undefined ? undefined : { suberror }),
};
