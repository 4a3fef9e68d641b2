// `npm start`: the seed's scenario end to end on the embedded default (SQLite), with the
// `devicelogin` CLI. Starts the authorization server on 127.0.0.1 with a demo tenant, client and
// user (credentials printed), then runs the CLI in this process and terminal:
//   1. `devicelogin token` silently: a second `npm start` reuses the cached token and says so;
//   2. otherwise `devicelogin login`: open the printed URL in any browser, enter the code, sign
//      in with the printed account, allow;
//   3. `devicelogin api /api/me`: the protected web API called with the token, its JSON printed.
// Everything lives in the git-ignored .devicelogin/ folder (server database, CLI config and
// token cache: DEVICELOGIN_CONFIG_DIR and DEVICELOGIN_CACHE_FILE point there, so the user's own
// devicelogin config is never touched). Ctrl+C stops the sign-in and the server cleanly (exit 130).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { buildApp } from '@devicelogin/server';
import { EXIT, main, processContext } from '@devicelogin/cli';

const port = Number(process.env.PORT ?? 3000);
const publicUrl = `http://127.0.0.1:${port}`;
const dataDir = join(process.cwd(), '.devicelogin');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const password = process.env.DEMO_PASSWORD ?? randomBytes(9).toString('base64url');
const user = { tenant: 'contoso', username: 'ada@contoso.example', displayName: 'Ada Lovelace', password };
const clientId = 'devicelogin-demo';

// Hints about starting over with the token cache (the no-keyring notice, keyring errors) name the
// demo's own file: `devicelogin logout --all` is not on the PATH here, and would act on the
// user's own cache rather than this one.
const context = { ...processContext(), startOver: 'delete .devicelogin/token-cache.json and run npm start again' };
const env = {
  ...process.env,
  DEVICELOGIN_CONFIG_DIR: join(dataDir, 'cli-config'),
  DEVICELOGIN_CACHE_FILE: join(dataDir, 'token-cache.json'),
};
const target = [
  '--authority',
  `${publicUrl}/contoso`,
  '--client-id',
  clientId,
  '--scopes',
  'openid profile offline_access api://demo/read',
];

// The port first: building the app writes the demo user (and a new password) to the database,
// which must not happen when another demo already serves it.
try {
  await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(resolve));
  });
} catch (error) {
  process.stderr.write(
    `devicelogin demo: cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}). ` +
      'Is another npm start running? Stop it, or choose another port: PORT=3001 npm start\n',
  );
  process.exit(1);
}

const { app } = await buildApp({
  config: {
    publicUrl,
    sqlitePath: join(dataDir, 'demo.sqlite'),
    clients: [{ clientId, name: 'devicelogin demo (npm start)' }],
    users: [user],
  },
});
await app.listen({ port, host: '127.0.0.1' });
const out = process.stderr;
out.write(
  `devicelogin demo — authorization server on ${publicUrl} (SQLite at .devicelogin/demo.sqlite)\n` +
    `Demo account: ${user.username} / ${password}   (set DEMO_PASSWORD to choose it; Ctrl+C to stop)\n\n`,
);

/**
 * Runs a CLI command in this process. `capture`: its stdout is returned instead of shown;
 * `quiet`: its stderr is dropped too.
 */
async function devicelogin(args, { capture = false, quiet = false } = {}) {
  let stdout = '';
  const io = {
    ...context.io,
    ...(capture || quiet ? { stdout: { write: (t) => (stdout += t) } } : {}),
    ...(quiet ? { stderr: { write: () => true } } : {}),
  };
  const code = await main([...args, ...target], { ...context, env, io });
  return { code, stdout };
}

let exitCode = EXIT.ok;
try {
  const cached = await devicelogin(['token', '--json'], { quiet: true });
  if (cached.code === EXIT.ok) {
    const { account, expires_on: expiresOn } = JSON.parse(cached.stdout);
    out.write(
      `Reusing the cached token of ${account?.username} (valid until ${expiresOn}): no sign-in needed.\n` +
        `(To sign in again: rm .devicelogin/token-cache.json)\n`,
    );
  } else {
    out.write(`$ devicelogin login ${target.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}\n`);
    exitCode = (await devicelogin(['login'])).code;
  }
  if (exitCode === EXIT.ok) {
    out.write(`\n$ devicelogin api /api/me\n`);
    let api = await devicelogin(['api', '/api/me'], { capture: true });
    if (api.code === EXIT.interactionRequired && !context.signal.aborted) {
      // The cached session was revoked or has expired: sign in again, as a user would.
      out.write(`\n$ devicelogin login ${target.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}\n`);
      const login = await devicelogin(['login']);
      api = login.code === EXIT.ok ? await devicelogin(['api', '/api/me'], { capture: true }) : login;
    }
    exitCode = api.code;
    try {
      process.stdout.write(`${JSON.stringify(JSON.parse(api.stdout), null, 2)}\n`);
    } catch {
      process.stdout.write(api.stdout);
    }
  }
} finally {
  await app.close();
}
process.exitCode = context.signal.aborted ? EXIT.cancelled : exitCode;
