import { describe, expect, it } from 'vitest';
import {
  InvalidResponseError,
  formatScopes,
  formatUserCode,
  normalizeUserCode,
  parseRetryAfter,
  parseScopes,
  processDeviceAuthorizationResponse,
  processMetadataResponse,
  processTokenResponse,
  redactBody,
  type ReceivedResponse,
} from '@devicelogin/protocol';

function json(status: number, body: unknown, retryAfter: string | null = null): ReceivedResponse {
  return { status, contentType: 'application/json; charset=utf-8', retryAfter, body: JSON.stringify(body) };
}

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidResponseError) return error.field;
    throw error;
  }
  throw new Error('expected an InvalidResponseError');
}

const DEVICE = {
  device_code: 'dc',
  user_code: 'BCDF-GHJK',
  verification_uri: 'https://example.com/device',
  expires_in: 900,
  interval: 5,
};

describe('processDeviceAuthorizationResponse', () => {
  it('accepts a standard response and keeps optional fields', () => {
    const result = processDeviceAuthorizationResponse(json(200, { ...DEVICE, message: 'hi' }));
    expect(result).toMatchObject({
      kind: 'ok',
      value: { userCode: 'BCDF-GHJK', expiresIn: 900, interval: 5, message: 'hi' },
    });
  });

  it('accepts Google/Entra v1 verification_url and numbers as strings', () => {
    const { verification_uri, ...rest } = DEVICE;
    const result = processDeviceAuthorizationResponse(
      json(200, { ...rest, verification_url: verification_uri, expires_in: '900', interval: '5' }),
    );
    expect(result).toMatchObject({
      kind: 'ok',
      value: { verificationUri: verification_uri, expiresIn: 900, interval: 5 },
    });
  });

  it.each([
    ['user_code', { ...DEVICE, user_code: undefined }],
    ['user_code', { ...DEVICE, user_code: 42 }],
    ['device_code', { ...DEVICE, device_code: '' }],
    ['expires_in', { ...DEVICE, expires_in: -1 }],
    ['expires_in', { ...DEVICE, expires_in: 'soon' }],
    ['expires_in', { ...DEVICE, expires_in: 0 }],
    ['interval', { ...DEVICE, interval: -5 }],
    ['verification_uri', { ...DEVICE, verification_uri: 'not a url' }],
    ['verification_uri', { ...DEVICE, verification_uri: 'javascript:alert(1)' }],
  ])('names the bad field %s', (field, body) => {
    expect(fieldOf(() => processDeviceAuthorizationResponse(json(200, body)))).toBe(field);
  });

  it('refuses HTML and invalid JSON on success statuses', () => {
    expect(
      fieldOf(() =>
        processDeviceAuthorizationResponse({ status: 200, contentType: 'text/html', retryAfter: null, body: '<html>' }),
      ),
    ).toBe('content-type');
    expect(
      fieldOf(() =>
        processDeviceAuthorizationResponse({
          status: 200,
          contentType: 'application/json',
          retryAfter: null,
          body: '{',
        }),
      ),
    ).toBe('body');
    expect(fieldOf(() => processDeviceAuthorizationResponse(json(200, [1, 2])))).toBe('body');
  });

  it('reports an error body as oauth_error on any status, and an HTML 502 as http_error', () => {
    expect(processDeviceAuthorizationResponse(json(200, { error: 'unauthorized_client' }))).toMatchObject({
      kind: 'oauth_error',
      error: { error: 'unauthorized_client', status: 200 },
    });
    expect(
      processDeviceAuthorizationResponse({
        status: 502,
        contentType: 'text/html',
        retryAfter: '3',
        body: '<h1>Bad gateway</h1>',
      }),
    ).toEqual({ kind: 'http_error', status: 502, retryAfter: '3' });
  });
});

describe('processTokenResponse', () => {
  it('parses form bodies, comma scopes and normalises the token type', () => {
    const result = processTokenResponse({
      status: 200,
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      retryAfter: null,
      body: 'access_token=gho_x&token_type=bearer&scope=repo%2Cread%3Aorg',
    });
    expect(result).toMatchObject({
      kind: 'ok',
      value: { accessToken: 'gho_x', tokenType: 'Bearer', scopes: ['repo', 'read:org'], expiresIn: undefined },
    });
  });

  it('keeps Entra extras and AADSTS error fields', () => {
    const ok = processTokenResponse(
      json(200, {
        access_token: 'a',
        token_type: 'Bearer',
        expires_in: '3599',
        ext_expires_in: 7199,
        refresh_in: 1800,
        client_info: 'e30',
        foci: '1',
      }),
    );
    expect(ok).toMatchObject({
      kind: 'ok',
      value: { expiresIn: 3599, extExpiresIn: 7199, refreshIn: 1800, clientInfo: 'e30', familyId: '1' },
    });
    const error = processTokenResponse(
      json(400, {
        error: 'invalid_grant',
        error_description: 'AADSTS70008: expired',
        error_codes: [70008],
        suberror: 'bad_token',
        trace_id: 't',
        correlation_id: 'c',
        timestamp: 'ts',
      }),
    );
    expect(error).toMatchObject({
      kind: 'oauth_error',
      error: {
        error: 'invalid_grant',
        errorCodes: [70008],
        suberror: 'bad_token',
        traceId: 't',
        correlationId: 'c',
        timestamp: 'ts',
      },
    });
  });

  it('redacts secrets from the kept error body', () => {
    const error = processTokenResponse(json(400, { error: 'x', device_code: 'SECRET-DC', access_token: 'SECRET-AT' }));
    expect(error.kind === 'oauth_error' && JSON.stringify(error.error.body)).not.toMatch(/SECRET/);
  });

  it('names missing access_token and bad token_type', () => {
    expect(fieldOf(() => processTokenResponse(json(200, { token_type: 'Bearer' })))).toBe('access_token');
    expect(fieldOf(() => processTokenResponse(json(200, { access_token: 'a', token_type: 'Bearer x' })))).toBe(
      'token_type',
    );
  });
});

describe('processMetadataResponse', () => {
  it('requires issuer and token_endpoint, reads device_authorization_endpoint', () => {
    expect(
      processMetadataResponse(
        json(200, { issuer: 'https://i', token_endpoint: 'https://i/t', device_authorization_endpoint: 'https://i/d' }),
      ),
    ).toMatchObject({ kind: 'ok', value: { deviceAuthorizationEndpoint: 'https://i/d' } });
    expect(fieldOf(() => processMetadataResponse(json(200, { token_endpoint: 'https://i/t' })))).toBe('issuer');
    expect(fieldOf(() => processMetadataResponse(json(200, { issuer: 'https://i' })))).toBe('token_endpoint');
  });
});

describe('helpers', () => {
  it('parses and formats scopes', () => {
    expect(parseScopes(' a  b,c a ')).toEqual(['a', 'b', 'c']);
    expect(formatScopes(['openid', 'profile openid', 'x'])).toBe('openid profile x');
  });

  it('parses Retry-After seconds and dates', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('normalises and groups user codes', () => {
    expect(normalizeUserCode(' bcdf-ghjk ')).toBe('BCDFGHJK');
    expect(normalizeUserCode('bcdf – ghjk')).toBe('BCDFGHJK');
    expect(formatUserCode('bcdfghjk')).toBe('BCDF-GHJK');
  });

  it('redacts secret fields only', () => {
    expect(redactBody({ error: 'e', refresh_token: 'r', user_code: 'u' })).toEqual({
      error: 'e',
      refresh_token: '[redacted]',
      user_code: '[redacted]',
    });
  });
});
