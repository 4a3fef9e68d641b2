/**
 * The whole device flow with TOTP, over real HTTP against the built server: the device asks for a
 * code and polls; the user enters it, signs in, enrols TOTP (tenant requires MFA), saves the
 * recovery codes, allows; the device's next poll gets tokens. Then a second sign-in with the
 * enrolled authenticator, and one where a wrong code keeps the device waiting.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { BrowserSession } from './support/browser-session.js';
import { enterCode } from './support/page-steps.js';
import { CLIENT_ID, USER, postForm, startTestServer, type TestServer } from './support/test-server.js';
import { totpCode } from './support/totp.js';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer({ mfaEncryptionSecret: 'the-mfa-encryption-secret-of-this-test-server' });
  await s.context.store.setTenantPolicy({ tenant: 'contoso', mfaRequired: true });
});
afterEach(async () => {
  await s.close();
});

async function deviceCode(): Promise<{ deviceCode: string; userCode: string }> {
  const answer = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, {
    client_id: CLIENT_ID,
    scope: 'openid profile offline_access',
  });
  expect(answer.status).toBe(200);
  return { deviceCode: String(answer.body['device_code']), userCode: String(answer.body['user_code']) };
}

function poll(code: string): ReturnType<typeof postForm> {
  return postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: CLIENT_ID,
    device_code: code,
  });
}

describe('device flow with TOTP', () => {
  it('code entry → sign-in → MFA enrolment → consent → the client receives tokens; next time the code is asked', async () => {
    const first = await deviceCode();
    expect((await poll(first.deviceCode)).body['error']).toBe('authorization_pending');
    let enrolled: { secret: string; recoveryCodes: readonly string[] } | undefined;
    await s.signInAndApprove(first.userCode, {
      totp: { now: () => s.clock.now(), onEnrolled: (e) => (enrolled = e) },
    });
    expect(enrolled?.recoveryCodes).toHaveLength(10);
    s.clock.advance(5_000);
    const tokens = await poll(first.deviceCode);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(String(tokens.body['id_token']))).toMatchObject({ preferred_username: USER.username });

    // A later sign-in asks for the enrolled authenticator's code (one step later: not a replay).
    s.clock.advance(30_000);
    const second = await deviceCode();
    await s.signInAndApprove(second.userCode, { totp: { now: () => s.clock.now(), secret: enrolled!.secret } });
    s.clock.advance(5_000);
    expect((await poll(second.deviceCode)).status).toBe(200);
  });

  it('without the TOTP step the default page steps stop at the MFA page; a wrong code keeps the device waiting', async () => {
    const { deviceCode: code, userCode } = await deviceCode();
    await expect(s.signInAndApprove(userCode)).rejects.toThrow(/consent page.*redirect|\/device\/mfa/);
    const browser = new BrowserSession(s.url);
    const signIn = await enterCode(browser, userCode);
    const enrol = await browser.submit(signIn, { username: USER.username, password: USER.password });
    expect(enrol.actions).toEqual(['/device/mfa/enrol']);
    const wrong = await browser.submit(enrol, { code: totpCode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', s.clock.now()) });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('That code didn’t match.');
    s.clock.advance(5_000);
    expect((await poll(code)).body['error']).toBe('authorization_pending');
  });
});
