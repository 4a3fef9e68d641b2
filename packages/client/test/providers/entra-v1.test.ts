import { describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import {
  ConfigurationError,
  IdTokenValidationError,
  PublicClientApplication,
  type DeviceCodeInfo,
} from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  DEVICE_CODE,
  REFRESH_TOKEN,
  USER_CODE,
  useFakeProvider,
  type FakeProvider,
  type Reply,
} from '../support/fake-provider.js';
import { ENTRA_VERIFICATION_URI, entraMessage, entraV1Paths, unsignedJwt } from '../support/entra.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// Entra v1 endpoints (PROTOCOL-NOTES §B): `resource` instead of `scope`, `code` instead of
// `device_code`, grant_type `device_code`, `verification_url`, numbers as strings, id_tokens
// that may be unsigned.

const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const GRAPH = 'https://graph.microsoft.com';

const start = useFakeProvider();

/** Entra v1's device response: `verification_url`, every number as a string. */
function v1Device(): Reply {
  return {
    json: {
      user_code: USER_CODE,
      device_code: DEVICE_CODE,
      verification_url: ENTRA_VERIFICATION_URI,
      expires_in: '900',
      interval: '5',
      message: entraMessage('en'),
    },
  };
}

function v1Pending(): Reply {
  return {
    status: 400,
    json: {
      error: 'authorization_pending',
      error_description: 'AADSTS70016: Pending end-user authorization.',
      error_codes: [70016],
    },
  };
}

/** Entra v1's token response: numbers as strings, `resource`, `expires_on`. */
function v1Token(clock: FakeClock, idToken: string): Reply {
  const now = Math.floor(clock.now() / 1000);
  return {
    json: {
      token_type: 'Bearer',
      scope: 'User.Read',
      expires_in: '3599',
      ext_expires_in: '3599',
      expires_on: String(now + 3599),
      not_before: String(now),
      resource: GRAPH,
      access_token: ACCESS_TOKEN,
      refresh_token: REFRESH_TOKEN,
      id_token: idToken,
    },
  };
}

function v1Claims(clock: FakeClock, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(clock.now() / 1000);
  return {
    aud: CLIENT_ID,
    iss: `https://sts.windows.net/${TENANT_ID}/`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    tid: TENANT_ID,
    oid: 'b1c2d3e4-0000-0000-0000-000000000001',
    upn: 'ada@contoso.com',
    unique_name: 'ada@contoso.com',
    ...extra,
  };
}

function entraV1(p: FakeProvider, clock: FakeClock): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `${p.url}/common`, provider: 'entra-v1' },
    system: { clock },
  });
}

describe('Microsoft Entra ID (v1 endpoints)', () => {
  it('coerces numeric strings, reads verification_url, sends resource, polls with code and grant_type device_code', async () => {
    const clock = fakeClock();
    const started = clock.now();
    const provider = await start({
      paths: entraV1Paths('common'),
      device: v1Device,
      token: (call) => (call.attempt === 1 ? v1Pending() : v1Token(clock, unsignedJwt(v1Claims(clock)))),
    });
    const seen: DeviceCodeInfo[] = [];
    const result = await entraV1(provider, clock).acquireTokenByDeviceCode({
      scopes: [`${GRAPH}/.default`],
      onDeviceCode: (info) => {
        seen.push(info);
      },
    });

    expect(seen[0]!.verificationUri).toBe(ENTRA_VERIFICATION_URI);
    expect(seen[0]!.expiresAt.getTime()).toBe(started + 900_000);
    expect(seen[0]!.interval).toBe(5);
    expect(clock.sleeps).toEqual([5500, 5500]);
    // resource derived from the …/.default scope, and no scope parameter at all
    expect(provider.deviceCalls[0]!.form).toEqual({ client_id: CLIENT_ID, resource: GRAPH });
    expect(provider.tokenCalls[0]!.form).toEqual({
      grant_type: 'device_code',
      client_id: CLIENT_ID,
      code: DEVICE_CODE,
      resource: GRAPH,
    });
    expect(result.accessToken).toBe(ACCESS_TOKEN);
    expect(result.expiresOn?.getTime()).toBe(clock.now() + 3599_000);
    expect(result.extExpiresOn?.getTime()).toBe(clock.now() + 3599_000);
    // the unsigned id_token was accepted in decode mode
    expect(result.account).toMatchObject({ username: 'ada@contoso.com', tenantId: TENANT_ID });
  });

  it('an explicit resource is sent as is', async () => {
    const clock = fakeClock();
    const provider = await start({
      paths: entraV1Paths('common'),
      device: v1Device,
      token: () => v1Token(clock, unsignedJwt(v1Claims(clock))),
    });
    await entraV1(provider, clock).acquireTokenByDeviceCode({
      scopes: [],
      resource: 'https://management.core.windows.net/',
      onDeviceCode: () => undefined,
    });
    expect(provider.deviceCalls[0]!.form['resource']).toBe('https://management.core.windows.net/');
    expect(provider.tokenCalls[0]!.form['resource']).toBe('https://management.core.windows.net/');
  });

  it('ConfigurationError when no resource can be found, before any request', async () => {
    const clock = fakeClock();
    const provider = await start({ paths: entraV1Paths('common'), device: v1Device, token: v1Pending });
    const error = await rejectionOf(
      entraV1(provider, clock).acquireTokenByDeviceCode({ scopes: ['User.Read'], onDeviceCode: () => undefined }),
      ConfigurationError,
    );
    expect(error.option).toBe('resource');
    expect(provider.deviceCalls).toHaveLength(0);
  });

  it('a signed id_token is accepted in decode mode too (no JWKS needed)', async () => {
    const clock = fakeClock();
    const provider = await start({
      paths: entraV1Paths('common'),
      device: v1Device,
      token: async (_call, p) => v1Token(clock, await p.idToken(v1Claims(clock), clock.now() / 1000)),
    });
    const result = await entraV1(provider, clock).acquireTokenByDeviceCode({
      scopes: [`${GRAPH}/.default`],
      onDeviceCode: () => undefined,
    });
    expect(result.idTokenClaims?.['upn']).toBe('ada@contoso.com');
    expect(provider.requests.filter((r) => r.method === 'GET')).toEqual([]);
  });

  it.each(['unsigned', 'signed'] as const)('an id_token for another audience is refused (%s)', async (kind) => {
    const clock = fakeClock();
    const provider = await start({
      paths: entraV1Paths('common'),
      device: v1Device,
      token: async (_call, p) => {
        const claims = v1Claims(clock, { aud: '00000003-0000-0000-c000-000000000000' });
        return v1Token(clock, kind === 'unsigned' ? unsignedJwt(claims) : await p.idToken(claims, clock.now() / 1000));
      },
    });
    const error = await rejectionOf(
      entraV1(provider, clock).acquireTokenByDeviceCode({
        scopes: [`${GRAPH}/.default`],
        onDeviceCode: () => undefined,
      }),
      IdTokenValidationError,
    );
    expect(error.message).toMatch(/"aud"/);
    expectNoSecrets(error, [REFRESH_TOKEN]);
  });
});
