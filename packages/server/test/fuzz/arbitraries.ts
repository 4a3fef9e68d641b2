/**
 * fast-check generators of hostile requests: malformed bodies, content types, encodings,
 * headers and parameters. Secret-bearing parameters carry a recognisable marker, so the logs
 * can be searched for it afterwards.
 */
import fc from 'fast-check';

/** Every secret value a generated request carries starts with this (searched for in the logs). */
export const SECRET_MARKER = 'SeCrEtMaRkEr';

/** Parameters whose values must never reach a log line. */
export const SECRET_PARAMETERS = [
  'device_code',
  'refresh_token',
  'client_secret',
  'password',
  'user_code',
  'code',
  'token',
  'csrf',
  'totp',
  'recovery_code',
] as const;

/** Percent-encodes every UTF-8 byte (encodeURIComponent throws on lone surrogates). */
function pct(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

const secretValue = fc.string({ maxLength: 24 }).map((s) => `${SECRET_MARKER}${pct(s).slice(0, 48)}`);

const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '%',
    '%ZZ',
    '%00',
    '\u0000',
    '\uD800',
    '__proto__',
    'constructor',
    'prototype',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    'a'.repeat(5000),
    'urn:ietf:params:oauth:grant-type:device_code',
    'refresh_token',
    'openid profile offline_access',
    'cli-app',
    'ada@contoso.example',
    'allow',
    'deny',
    'BCDF-GHJK',
    '{}',
    '[]',
    'null',
  ),
);

const parameterName = fc.oneof(
  fc.constantFrom(
    'grant_type',
    'client_id',
    'scope',
    'username',
    'action',
    'token_type_hint',
    'claims',
    'mkt',
    'lang',
    '__proto__',
    'constructor',
    'a[b]',
    'a.b',
    '',
  ),
  fc.string({ maxLength: 12 }),
);

/** One form field: an ordinary parameter with a nasty value, or a secret one with a marked value. */
const field = fc.oneof(
  fc.tuple(parameterName, nastyString),
  fc.tuple(fc.constantFrom(...SECRET_PARAMETERS), secretValue),
);

function encodeForm(fields: readonly (readonly [string, string])[]): string {
  return fields.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
}

/**
 * A form that gets past the first checks (a real client, a real grant type) with hostile
 * values and extra fields, so the fuzz reaches the grants' and pages' own code.
 */
const plausibleForm = fc
  .tuple(
    fc.record(
      {
        client_id: fc.oneof(fc.constant('cli-app'), nastyString),
        grant_type: fc.oneof(
          fc.constantFrom('urn:ietf:params:oauth:grant-type:device_code', 'refresh_token', 'device_code'),
          nastyString,
        ),
        scope: fc.oneof(fc.constantFrom('openid offline_access', 'openid profile api://demo/read', ''), nastyString),
        device_code: secretValue,
        refresh_token: secretValue,
        token: secretValue,
        token_type_hint: fc.constantFrom('refresh_token', 'access_token', 'nope'),
        username: fc.oneof(fc.constant('ada@contoso.example'), nastyString),
        password: secretValue,
        user_code: fc.oneof(secretValue, fc.constantFrom('BCDF-GHJK', 'bcdfghjk', 'B C D F G H J K')),
        action: fc.constantFrom('allow', 'deny', 'both', ''),
        claims: fc.oneof(fc.json(), nastyString),
      },
      { requiredKeys: [] },
    ),
    fc.array(field, { maxLength: 3 }),
  )
  .map(([known, extra]) => ({
    type: 'application/x-www-form-urlencoded',
    payload: encodeForm([...Object.entries(known), ...extra]),
  }));

/** A request body with the content type it claims (possibly a lie). */
export const body = fc.oneof(
  { arbitrary: plausibleForm, weight: 3 },
  fc
    .array(field, { maxLength: 8 })
    .map((fields) => ({ type: 'application/x-www-form-urlencoded', payload: encodeForm(fields) })),
  // Repeated parameters, raw (undecodable) percent-encoding, odd separators.
  fc
    .array(
      fc.oneof(
        field.map(([k, v]) => `${k}=${v}`),
        fc.constantFrom('&&', '=', '==', '%E0%A4%A', '+%2B'),
      ),
      {
        maxLength: 8,
      },
    )
    .map((parts) => ({ type: 'application/x-www-form-urlencoded; charset=utf-8', payload: parts.join('&') })),
  fc.json().map((payload) => ({ type: 'application/json', payload })),
  fc.string({ maxLength: 200 }).map((payload) => ({ type: 'application/json', payload })),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/x-www-form-urlencoded; charset=latin1',
        'APPLICATION/X-WWW-FORM-URLENCODED',
        '',
        ';;;',
        'application/x-www-form-urlencoded, application/json',
      ),
      fc.array(field, { maxLength: 6 }).map(encodeForm),
    )
    .map(([type, payload]) => ({ type, payload })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ type: 'application/octet-stream', payload: Buffer.from(bytes) })),
);

/** Headers a hostile client might send. */
export const headers = fc.record(
  {
    authorization: fc.oneof(
      secretValue.map((v) => `Bearer ${v}`),
      secretValue.map((v) => `Basic ${Buffer.from(`cli-app:${v}`).toString('base64')}`),
      secretValue.map((v) => `DPoP ${v}`),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic', 'Basic %%%', 'Bearer a.b.c', 'Bearer ey.ey.sig', ''),
      nastyString.filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
    ),
    cookie: fc.oneof(
      secretValue.map((v) => `devicelogin=${v}`),
      secretValue.map((v) => `devicelogin=v1.${v}.${v}; devicelogin_lang=fr`),
      fc.constantFrom('devicelogin=v1..', 'devicelogin_lang=xx', '=;=;', 'a=%ZZ'),
    ),
    'accept-language': fc.oneof(
      fc.constantFrom('fr', 'fr;q=2', '*;q=-1', ',,,', 'fr-CA;q=0.5, en;q=abc'),
      fc.string({ maxLength: 60 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
    ),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', '::1', 'not-an-ip', '1.1.1.1, 2.2.2.2'),
    prefer: fc.constantFrom('wait=5', 'wait=-1', 'wait=99999999999', 'wait=abc', 'respond-async'),
    dpop: secretValue,
  },
  { requiredKeys: [] },
);

/** A query string (with a leading `?`, or empty). */
export const query = fc
  .array(
    fc.oneof(
      fc.tuple(parameterName, nastyString).map(([k, v]) => `${pct(k)}=${pct(v)}`),
      fc.tuple(fc.constantFrom('user_code', 'code'), secretValue).map(([k, v]) => `${k}=${v}`),
      fc.constantFrom('%', '%ZZ', '&', '=', 'lang=fr', 'lang=en', 'mkt=fr-FR'),
    ),
    { maxLength: 5 },
  )
  .map((parts) => (parts.length === 0 ? '' : `?${parts.join('&')}`));
