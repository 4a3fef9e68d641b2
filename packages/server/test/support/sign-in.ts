import { None, allowInsecureRequests, discovery, type Configuration } from 'openid-client';
import { CLIENT_ID, postForm, type TestServer } from './test-server.js';

/** The tokens of a sign-in or a refresh, as the token endpoint answered them. */
export interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly id_token: string;
}

/** What {@link signIn} takes; every field has a default. */
export interface SignInOptions {
  /** Tenant path of the device authorization and token requests. Default `contoso`. */
  readonly tenant?: string;
  readonly clientId?: string;
  readonly scope?: string;
}

/**
 * Signs the test user in through the server's own endpoints: device authorization, approval (what
 * the consent page does), one poll. No waiting: the approval comes before the first poll.
 * @throws {Error} when an answer is not 200.
 */
export async function signIn(s: TestServer, options: SignInOptions = {}): Promise<Tokens> {
  const tenant = options.tenant ?? 'contoso';
  const clientId = options.clientId ?? CLIENT_ID;
  const device = await postForm(`${s.url}/${tenant}/oauth2/v2.0/devicecode`, {
    client_id: clientId,
    scope: options.scope ?? 'openid profile offline_access api://demo/read',
  });
  if (device.status !== 200) throw new Error(`device authorization answered ${device.status}`);
  await s.approve(String(device.body['user_code']));
  return tokensOf(
    await postForm(`${s.url}/${tenant}/oauth2/v2.0/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: clientId,
      device_code: String(device.body['device_code']),
    }),
  );
}

/** Redeems a refresh token at the contoso token endpoint; returns the raw answer. */
export function refresh(s: TestServer, refreshToken: string, clientId = CLIENT_ID): ReturnType<typeof postForm> {
  return postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
    grant_type: 'refresh_token',
    client_id: clientId,
    refresh_token: refreshToken,
  });
}

/**
 * The tokens of a 200 answer.
 * @throws {Error} on any other answer.
 */
export function tokensOf(answer: Awaited<ReturnType<typeof postForm>>): Tokens {
  if (answer.status !== 200)
    throw new Error(`token endpoint answered ${answer.status}: ${String(answer.body['error'])}`);
  return answer.body as unknown as Tokens;
}

/** openid-client 6.9.0 configured from the server's contoso discovery document (plain http allowed). */
export function openidClientConfig(s: TestServer, clientId = CLIENT_ID): Promise<Configuration> {
  return discovery(new URL(`${s.url}/contoso`), clientId, undefined, None(), { execute: [allowInsecureRequests] });
}
