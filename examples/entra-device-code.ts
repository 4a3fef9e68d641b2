/**
 * Sign in to Microsoft Entra ID with the device code flow and call Microsoft Graph.
 * Type-checked, not run: `npx tsc -p tsconfig.tests.json --noEmit`.
 */
import { PublicClientApplication, isClientError } from '@devicelogin/client';

const app = new PublicClientApplication({
  auth: {
    clientId: process.env.CLIENT_ID ?? '00000000-0000-0000-0000-000000000000',
    authority: 'https://login.microsoftonline.com/organizations',
  },
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

try {
  const result = await app.acquireTokenByDeviceCode({
    scopes: ['User.Read'],
    onDeviceCode: (info) => {
      // "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code …"
      console.error(info.message);
    },
    signal: controller.signal, // Ctrl-C: rejects at once with code 'cancelled'
    timeoutMs: 10 * 60_000, // rejects with code 'timeout' after 10 minutes
  });
  console.error(`Signed in as ${result.account?.username ?? '(unknown)'}`);
  const response = await fetch('https://graph.microsoft.com/v1.0/me', {
    headers: { authorization: `${result.tokenType} ${result.accessToken}` },
  });
  console.log(await response.text());
} catch (error) {
  if (!isClientError(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  process.exitCode = 1;
}
