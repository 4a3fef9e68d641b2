import { CONFIG_FIELDS, CONFIG_FIELD_NAMES, envName, fieldSources, flagName } from './fields.js';

/**
 * `devicelogin-server --help`: how to start the server, and every flag with its variable (from
 * the one field table, so it cannot drift from what the loader accepts). Descriptions, defaults
 * and the fields a file alone can set: docs/configuration.md.
 */
export function serverUsage(): string {
  const fields = CONFIG_FIELD_NAMES.filter((field) => fieldSources(CONFIG_FIELDS[field]) === 'all');
  const width = Math.max(...fields.map((field) => flagName(field).length)) + 12;
  const flags = fields.map((field) => `  --${flagName(field)} VALUE`.padEnd(width) + envName(field));
  return `Usage: node packages/server/dist/main.js [--config FILE] [--https] [--FIELD VALUE …]

Starts the device-flow authorization server. PORT (default 3000) and HOST (default 127.0.0.1)
choose where it listens; publicUrl defaults to http://HOST:PORT. A JSON config file (--config, or
DEVICELOGIN_CONFIG) sets any field; these variables and flags override its scalar ones:

${flags.join('\n')}

${'  --https'.padEnd(width)}HTTPS=1 (TLS with a local CA; prints how clients trust it)

Secrets (databaseUrl, cookieSecret, mfaEncryptionSecret, …) are never flags: file or variable.
Every field, its default and what it does: docs/configuration.md.

Examples:
  node packages/server/dist/main.js --sqlite-path devicelogin.sqlite --tenants contoso
  PORT=3000 node packages/server/dist/main.js --config config.json
  node packages/server/dist/main.js --sqlite-path .devicelogin/demo.sqlite   # the npm start demo's data
`;
}
