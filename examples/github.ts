/**
 * Sign in with GitHub (OAuth app or GitHub App with "Enable Device Flow" ticked).
 */
import { PublicClientApplication } from '@devicelogin/client';

const app = new PublicClientApplication({
  // No authority: the github profile's default, https://github.com. Without `provider` (and
  // without a github.com authority) the client would assume Microsoft Entra ID.
  auth: { clientId: process.env.GITHUB_CLIENT_ID ?? 'Iv1.0000000000000000', provider: 'github' },
});

const result = await app.acquireTokenByDeviceCode({
  scopes: ['read:user'],
  onDeviceCode: (info) => {
    console.error(`Open ${info.verificationUri} and enter ${info.userCode}`);
  },
});

// GitHub returns no id_token: result.account is undefined, and OAuth-app tokens do not expire
// (result.expiresOn is undefined). Ask the API who signed in.
const response = await fetch('https://api.github.com/user', {
  headers: { authorization: `Bearer ${result.accessToken}`, accept: 'application/vnd.github+json' },
});
console.log(await response.text());
