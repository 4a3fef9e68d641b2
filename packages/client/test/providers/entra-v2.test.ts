import { describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import {
  AuthorizationDeclinedError,
  BadVerificationCodeError,
  DeviceCodeExpiredError,
  FlowNotEnabledError,
  IdTokenValidationError,
  PublicClientApplication,
  ServerError,
  type DeviceCodeInfo,
  type DeviceLoginError,
} from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  DEVICE_CODE,
  tokenReply,
  useFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type Reply,
} from '../support/fake-provider.js';
import {
  CORRELATION_ID,
  ENTRA_VERIFICATION_URI,
  TRACE_ID,
  aadstsError,
  clientInfo,
  entraDeviceReply,
  entraMessage,
  entraPaths,
} from '../support/entra.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// Microsoft Entra ID v2 endpoints (PROTOCOL-NOTES §B), served by the fake under /common.

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const USER_OID = '00000000-0000-0000-66f3-3332eca7ea81';

const startFake = useFakeProvider();

/** The fake under Entra's `/common` layout, answering the device request as Entra does unless told otherwise. */
function start(options: Omit<FakeProviderOptions, 'paths' | 'metadata'>): Promise<FakeProvider> {
  return startFake({ device: () => entraDeviceReply(), ...options, paths: entraPaths('common') });
}

function entra(p: FakeProvider, clock: FakeClock, language: 'en' | 'fr' = 'en'): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `${p.url}/common`, provider: 'entra' },
    system: { clock, language },
  });
}

/** An Entra v2 success: id_token for the tenant, client_info, ext_expires_in. */
async function entraToken(p: FakeProvider, clock: FakeClock, claims: Record<string, unknown> = {}): Promise<Reply> {
  const idToken = await p.idToken(
    {
      iss: `${p.url}/${TENANT_ID}/v2.0`,
      aud: CLIENT_ID,
      tid: TENANT_ID,
      oid: USER_OID,
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      preferred_username: 'ada@contoso.com',
      name: 'Ada Lovelace',
      ...claims,
    },
    clock.now() / 1000,
  );
  return tokenReply({
    scope: 'User.Read openid profile offline_access',
    ext_expires_in: 7199,
    id_token: idToken,
    client_info: clientInfo(USER_OID, TENANT_ID),
  });
}

const signIn = (app: PublicClientApplication, onDeviceCode: (info: DeviceCodeInfo) => void = () => undefined) =>
  app.acquireTokenByDeviceCode({ scopes: ['User.Read'], onDeviceCode });

describe('Microsoft Entra ID (v2)', () => {
  it("shows the server's message verbatim, asks with mkt=fr-FR and adds openid profile offline_access", async () => {
    const clock = fakeClock();
    const p = await start({ device: () => entraDeviceReply('fr'), token: (_call, fake) => entraToken(fake, clock) });
    const seen: DeviceCodeInfo[] = [];
    await signIn(entra(p, clock, 'fr'), (info) => seen.push(info));

    expect(seen[0]!.message).toBe(entraMessage('fr'));
    expect(seen[0]!.verificationUri).toBe(ENTRA_VERIFICATION_URI);
    expect(seen[0]!.verificationUriComplete).toBeUndefined();
    const deviceUrl = new URL(p.deviceCalls[0]!.url, p.url);
    expect(deviceUrl.pathname).toBe('/common/oauth2/v2.0/devicecode');
    expect(deviceUrl.searchParams.get('mkt')).toBe('fr-FR');
    expect(p.deviceCalls[0]!.form['client_id']).toBe(CLIENT_ID);
    expect(p.deviceCalls[0]!.form['scope']?.split(' ').sort()).toEqual(
      ['User.Read', 'offline_access', 'openid', 'profile'].sort(),
    );
  });

  it('asks in English by default (mkt=en-US)', async () => {
    const clock = fakeClock();
    const p = await start({ token: (_call, fake) => entraToken(fake, clock) });
    await signIn(entra(p, clock));
    expect(new URL(p.deviceCalls[0]!.url, p.url).searchParams.get('mkt')).toBe('en-US');
  });

  it('sends client_info=1; client_info gives homeAccountId uid.utid; the issuer is checked with the token tid', async () => {
    const clock = fakeClock();
    const p = await start({
      token: (call, fake) =>
        call.attempt === 1 ? aadstsError('authorization_pending', 70016, 'pending') : entraToken(fake, clock),
    });
    const result = await signIn(entra(p, clock));

    expect(p.tokenCalls[0]!.form).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: CLIENT_ID,
      device_code: DEVICE_CODE,
      client_info: '1',
    });
    expect(new URL(p.tokenCalls[0]!.url, p.url).pathname).toBe('/common/oauth2/v2.0/token');
    // the id_token was verified with the keys at /common/discovery/v2.0/keys
    expect(p.requests.some((r) => r.method === 'GET' && r.url === '/common/discovery/v2.0/keys')).toBe(true);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
    expect(result.account).toEqual({
      homeAccountId: `${USER_OID}.${TENANT_ID}`,
      environment: new URL(p.url).host,
      tenantId: TENANT_ID,
      username: 'ada@contoso.com',
      localAccountId: USER_OID,
      name: 'Ada Lovelace',
    });
    expect(result.idTokenClaims?.iss).toBe(`${p.url}/${TENANT_ID}/v2.0`);
    expect(result.extExpiresOn?.getTime()).toBe(clock.now() + 7199_000);
  });

  it.each([
    ['another tenant', (url: string) => `${url}/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/v2.0`],
    ['the tenant-less /common', (url: string) => `${url}/common/v2.0`],
    ['another host', () => `https://login.microsoftonline.com/${TENANT_ID}/v2.0`],
  ])('an id_token whose iss names %s → IdTokenValidationError', async (_name, iss) => {
    const clock = fakeClock();
    const p = await start({ token: (_call, fake) => entraToken(fake, clock, { iss: iss(fake.url) }) });
    const error = await rejectionOf(signIn(entra(p, clock)), IdTokenValidationError);
    expect(error.code).toBe('invalid_id_token');
    expect(error.message).toMatch(/"iss"/);
    expectNoSecrets(error);
  });

  it.each<[string, Reply, abstract new (...args: never[]) => DeviceLoginError, string]>([
    [
      'authorization_declined',
      aadstsError('authorization_declined', 70000, 'The user declined the authentication.'),
      AuthorizationDeclinedError,
      'authorization_declined',
    ],
    [
      'bad_verification_code',
      aadstsError('bad_verification_code', 70018, 'Invalid verification code entered.'),
      BadVerificationCodeError,
      'bad_verification_code',
    ],
    [
      'expired_token',
      aadstsError('expired_token', 70019, 'Verification code expired.'),
      DeviceCodeExpiredError,
      'device_code_expired',
    ],
  ])('%s → its typed error, with the server details and no secret', async (_name, reply, type, code) => {
    const clock = fakeClock();
    const p = await start({
      token: (call) => (call.attempt === 1 ? aadstsError('authorization_pending', 70016, 'pending') : reply),
    });
    const error = await rejectionOf(signIn(entra(p, clock)), type);
    expect(error.code).toBe(code);
    expect((error as DeviceLoginError & { server: unknown }).server).toMatchObject({
      status: 400,
      traceId: TRACE_ID,
      correlationId: CORRELATION_ID,
    });
    expect(p.tokenCalls).toHaveLength(2);
    expectNoSecrets(error);
  });

  it.each(['device', 'token'] as const)(
    'AADSTS50059 from the %s endpoint → ServerError with a tenanted-authority hint and the diagnostic ids',
    async (where) => {
      const clock = fakeClock();
      const noTenant = aadstsError(
        'invalid_request',
        50059,
        'No tenant-identifying information found in either the request or implied by any provided credentials.',
      );
      const p = await start({
        device: () => (where === 'device' ? noTenant : entraDeviceReply()),
        token: () => noTenant,
      });
      const error = await rejectionOf(signIn(entra(p, clock)), ServerError);
      expect(error.code).toBe('server_error');
      expect(error.status).toBe(400);
      expect(error.hint).toMatch(/tenanted authority/);
      expect(error.message).toContain('AADSTS50059');
      // only the description's first line: the ids are kept as fields, not in the message
      expect(error.message).not.toContain('Trace ID');
      expect(error.server).toMatchObject({
        error: 'invalid_request',
        errorCodes: [50059],
        traceId: TRACE_ID,
        correlationId: CORRELATION_ID,
        timestamp: '2026-01-01 00:00:05Z',
      });
      expect(p.tokenCalls).toHaveLength(where === 'device' ? 0 : 1);
      expectNoSecrets(error);
    },
  );

  it('invalid_client with AADSTS7000218 → FlowNotEnabledError telling to allow public client flows', async () => {
    const clock = fakeClock();
    const p = await start({
      token: () =>
        aadstsError(
          'invalid_client',
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
          401,
        ),
    });
    const error = await rejectionOf(signIn(entra(p, clock)), FlowNotEnabledError);
    expect(error.hint).toMatch(/Allow public client flows/);
    expect(error.server).toMatchObject({ status: 401, error: 'invalid_client', errorCodes: [7000218] });
    expectNoSecrets(error);
  });

  it('invalid_client with another AADSTS code is a plain ServerError, not "flow not enabled"', async () => {
    const clock = fakeClock();
    const p = await start({
      token: () => aadstsError('invalid_client', 700016, "Application with identifier 'x' was not found.", 400),
    });
    const error = await rejectionOf(signIn(entra(p, clock)), ServerError);
    expect(error.server?.errorCodes).toEqual([700016]);
  });
});
