// `npm start`: the seed's scenario end to end on the embedded default (SQLite), until the CLI
// (issue 7) takes over. Starts the authorization server on 127.0.0.1, then signs in with the
// client library's device code flow: open the printed URL in a browser, type the code, sign in
// with the printed demo account, allow; the demo then calls the protected web API with the token.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '@devicelogin/server';
import { PublicClientApplication } from '@devicelogin/client';

const port = Number(process.env.PORT ?? 3000);
const publicUrl = `http://127.0.0.1:${port}`;
const dataDir = join(process.cwd(), '.devicelogin');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const password = process.env.DEMO_PASSWORD ?? randomBytes(9).toString('base64url');
const user = { tenant: 'contoso', username: 'ada@contoso.example', displayName: 'Ada Lovelace', password };

const { app } = await buildApp({
  config: {
    publicUrl,
    sqlitePath: join(dataDir, 'demo.sqlite'),
    clients: [{ clientId: 'devicelogin-demo', name: 'devicelogin demo (npm start)' }],
    users: [user],
  },
});
await app.listen({ port, host: '127.0.0.1' });
const stop = () => app.close().then(() => process.exit(130));
process.once('SIGINT', stop);

process.stderr.write(
  `devicelogin demo — authorization server on ${publicUrl} (SQLite at .devicelogin/demo.sqlite)\n` +
    `Demo account: ${user.username} / ${password}   (set DEMO_PASSWORD to choose it; Ctrl+C to stop)\n\n`,
);
const client = new PublicClientApplication({
  auth: { clientId: 'devicelogin-demo', authority: `${publicUrl}/contoso`, provider: 'generic' },
});
try {
  const result = await client.acquireTokenByDeviceCode({
    scopes: ['openid', 'profile', 'offline_access', 'api://demo/read'],
    onDeviceCode: (info) =>
      process.stderr.write(`${info.message}\n(or open ${info.verificationUriComplete ?? info.verificationUri})\n\n`),
  });
  process.stderr.write(`Signed in as ${result.account?.username} (tenant ${result.account?.tenantId}).\n`);
  const me = await fetch(`${publicUrl}/api/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
  process.stderr.write(`GET /api/me → ${me.status}\n`);
  process.stdout.write(`${JSON.stringify(await me.json(), null, 2)}\n`);
} catch (error) {
  process.stderr.write(`Sign-in failed: ${error?.code ?? 'error'}: ${error?.message ?? String(error)}\n`);
  process.exitCode = 1;
} finally {
  await app.close();
}
