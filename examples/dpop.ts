/**
 * DPoP (RFC 9449): tokens bound to a key pair that only this machine's token cache holds. A
 * stolen access or refresh token is useless without the key, which signs a proof for every
 * request.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  PublicClientApplication,
  createDefaultPersistence,
  dpopNonceChallenge,
  type AuthenticationResult,
} from '@devicelogin/client';

const app = new PublicClientApplication({
  auth: { clientId: 'devicelogin-cli', authority: 'https://id.example.com', dpop: true },
  // The account's private key is stored with it in the token cache, encrypted at rest.
  cache: { persistence: await createDefaultPersistence({ path: join(homedir(), '.devicelogin', 'cache.json') }) },
});

export async function token(): Promise<AuthenticationResult> {
  const [account] = await app.getAccounts();
  if (account !== undefined) return app.acquireTokenSilent({ account, scopes: ['api.read'] });
  // Every poll carries a proof of a new key; the tokens come back bound to it (tokenType 'DPoP'),
  // or as Bearer tokens from a server that does not support DPoP.
  return app.acquireTokenByDeviceCode({ scopes: ['api.read'], onDeviceCode: (info) => console.error(info.message) });
}

// The simple way: fetchResource adds Authorization (Bearer or DPoP) and the proof, and answers a
// resource server's nonce challenge by sending the request once more.
export async function listItems(): Promise<unknown> {
  const response = await app.fetchResource({ token: await token(), url: 'https://api.example.com/items' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

// With your own HTTP client: new headers for every request, bound to its method and URL.
export async function createItem(body: string): Promise<Response> {
  const result = await token();
  const url = 'https://api.example.com/items';
  const send = async (nonce?: string): Promise<Response> => {
    const headers = await app.createResourceHeaders({ token: result, method: 'POST', url, nonce });
    return fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
  };
  const response = await send();
  // 401 + WWW-Authenticate: DPoP error="use_dpop_nonce" + DPoP-Nonce: once more, with the nonce.
  const nonce = dpopNonceChallenge(response);
  return nonce === undefined ? response : send(nonce);
}
