#!/usr/bin/env node
/**
 * Runs the authorization server: `node packages/server/dist/main.js [config.json]`.
 * The JSON file holds a `ServerConfig` (see config/defaults.ts); `PORT` (default 3000) and `HOST`
 * (default 127.0.0.1) choose where to listen; `publicUrl` defaults to http://HOST:PORT.
 * `--https` (or `HTTPS=1`) serves TLS with a local CA and certificate (tls/local-ca.ts; MSAL refuses
 * http authorities), `publicUrl` then defaulting to https://HOST:PORT, and prints on stderr how
 * clients trust that CA.
 * SIGINT/SIGTERM close the server gracefully (in-flight requests finish, the store closes).
 */
import { readFile } from 'node:fs/promises';
import { buildApp } from './app.js';
import { ServerConfigError } from './config/defaults.js';
import { loadServerConfig } from './config/load.js';
import { startHttps } from './tls/start-https.js';
import { serverUsage } from './config/usage.js';

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 3000);
  const host = process.env['HOST'] ?? '127.0.0.1';
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(serverUsage());
    return;
  }
  const tls = args.includes('--https') || process.env['HTTPS'] === '1' ? await startHttps(host, port) : undefined;
  // Config file (--config or DEVICELOGIN_CONFIG), DEVICELOGIN_* variables and flags: docs/configuration.md.
  const config = await loadServerConfig({
    argv: args,
    env: process.env,
    readFile: (path) => readFile(path, 'utf8'),
    defaultPublicUrl: `${tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    extraOptions: { https: { type: 'boolean' } },
  });
  const { app } = await buildApp({
    config,
    logger: { level: process.env['LOG_LEVEL'] ?? 'info' },
    ...(tls === undefined ? {} : { https: tls }),
  });
  const close = (): void => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port, host });
}

main().catch((error: unknown) => {
  // One boundary: a clear line, no stack trace (configuration errors name the field).
  const message = error instanceof ServerConfigError || error instanceof SyntaxError ? error.message : String(error);
  process.stderr.write(`devicelogin-server: ${message}\n`);
  process.exit(1);
});
