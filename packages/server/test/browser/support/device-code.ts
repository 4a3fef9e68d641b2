/** Device codes for browser tests, requested over HTTP the way a device does (RFC 8628 §3.1). */
import { CLIENT_ID, postForm, type TestServer } from '../../support/test-server.js';

/** The scopes the tests' device asks for: each has a plain-words description on the consent page. */
export const SCOPE = 'openid profile offline_access';

/** What the device authorization endpoint answered. */
export interface IssuedCode {
  /** `XXXX-XXXX`. */
  readonly userCode: string;
  readonly deviceCode: string;
  readonly verificationUri: string;
  /** The deep link (`…/device?user_code=…`). */
  readonly verificationUriComplete: string;
}

/**
 * Requests a device code for the test client in `contoso`, from this process (the consent page
 * shows its address and `userAgent` as the device's).
 * @throws {Error} when the endpoint does not answer 200 with a deep link.
 */
export async function requestDeviceCode(server: TestServer): Promise<IssuedCode> {
  const answer = await postForm(`${server.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE });
  const { user_code, device_code, verification_uri, verification_uri_complete } = answer.body;
  if (
    answer.status !== 200 ||
    typeof user_code !== 'string' ||
    typeof device_code !== 'string' ||
    typeof verification_uri !== 'string' ||
    typeof verification_uri_complete !== 'string'
  ) {
    throw new Error(`device authorization answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return {
    userCode: user_code,
    deviceCode: device_code,
    verificationUri: verification_uri,
    verificationUriComplete: verification_uri_complete,
  };
}

/** The device's poll of the token endpoint: the raw answer (`authorization_pending`, tokens…). */
export function pollOnce(server: TestServer, code: IssuedCode): ReturnType<typeof postForm> {
  return postForm(`${server.url}/contoso/oauth2/v2.0/token`, {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: CLIENT_ID,
    device_code: code.deviceCode,
  });
}
