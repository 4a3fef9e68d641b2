#!/usr/bin/env node
/**
 * Runs the authorization server: `node packages/server/dist/main.js [config.json]`.
 * The JSON file holds a `ServerConfig` (see config/defaults.ts); `PORT` (default 3000) and `HOST`
 * (default 127.0.0.1) choose where to listen; `publicUrl` defaults to http://HOST:PORT.
 * SIGINT/SIGTERM close the server gracefully (in-flight requests finish, the store closes).
 */
import { readFile } from 'node:fs/promises';
import { buildApp } from './app.js';
import type { ServerConfig } from './config/defaults.js';
import { ServerConfigError } from './config/defaults.js';

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 3000);
  const host = process.env['HOST'] ?? '127.0.0.1';
  const file = process.argv[2];
  const fromFile = file === undefined ? {} : (JSON.parse(await readFile(file, 'utf8')) as Partial<ServerConfig>);
  const { app } = await buildApp({
    config: { publicUrl: `http://${host}:${port}`, ...fromFile },
    logger: { level: process.env['LOG_LEVEL'] ?? 'info' },
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
