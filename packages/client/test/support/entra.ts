import type { FakeProvider, Reply } from './fake-provider.js';
import { DEVICE_CODE, USER_CODE } from './fake-provider.js';

/** The Entra v2 endpoint layout under a tenant, as the `paths` of the fake provider. */
export function entraPaths(tenant = 'common'): FakeProvider['paths'] {
  return {
    device: `/${tenant}/oauth2/v2.0/devicecode`,
    token: `/${tenant}/oauth2/v2.0/token`,
    jwks: `/${tenant}/discovery/v2.0/keys`,
  };
}

/** The Entra v1 endpoint layout under a tenant. */
export function entraV1Paths(tenant = 'common'): Partial<FakeProvider['paths']> {
  return { device: `/${tenant}/oauth2/devicecode`, token: `/${tenant}/oauth2/token` };
}

/** Entra's verification page. */
export const ENTRA_VERIFICATION_URI = 'https://microsoft.com/devicelogin';

/** The server's message as Entra writes it (localised by `mkt`). */
export function entraMessage(language: 'en' | 'fr'): string {
  return language === 'fr'
    ? `Pour vous connecter, utilisez un navigateur web pour ouvrir la page ${ENTRA_VERIFICATION_URI} et entrez le code ${USER_CODE} pour vous authentifier.`
    : `To sign in, use a web browser to open the page ${ENTRA_VERIFICATION_URI} and enter the code ${USER_CODE} to authenticate.`;
}

/** An Entra v2 device code response (no verification_uri_complete, a message). */
export function entraDeviceReply(language: 'en' | 'fr' = 'en'): Reply {
  return {
    json: {
      user_code: USER_CODE,
      device_code: DEVICE_CODE,
      verification_uri: ENTRA_VERIFICATION_URI,
      expires_in: 900,
      interval: 5,
      message: entraMessage(language),
    },
  };
}

/** Diagnostic ids Entra puts in every error body. */
export const TRACE_ID = '0b6f7a4e-91c2-4a7d-9d1e-3f2b7c5a0e00';
export const CORRELATION_ID = '5c1e2d3f-4a5b-46c7-8d9e-0f1a2b3c4d5e';
export const TIMESTAMP = '2026-01-01 00:00:05Z';

/** An Entra error body: `error`, a multi-line "AADSTSnnnnn: …" description, `error_codes`, ids. */
export function aadstsError(error: string, code: number, text: string, status = 400): Reply {
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${TRACE_ID}\r\nCorrelation ID: ${CORRELATION_ID}\r\nTimestamp: ${TIMESTAMP}`,
      error_codes: [code],
      timestamp: TIMESTAMP,
      trace_id: TRACE_ID,
      correlation_id: CORRELATION_ID,
      error_uri: 'https://login.microsoftonline.com/error?code=' + String(code),
    },
  };
}

/** Entra's `client_info`: base64url JSON `{uid, utid}`. */
export function clientInfo(uid: string, utid: string): string {
  return Buffer.from(JSON.stringify({ uid, utid })).toString('base64url');
}

/** An unsigned JWT (`alg: none`), as Entra v1 may return for id_tokens. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'none' })}.${part(claims)}.`;
}
