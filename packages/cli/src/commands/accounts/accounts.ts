import { parseCommandLine, expectPositionals } from '../../args.js';
import type { Command } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import { renderTable } from '../../render/table.js';
import { openCache } from '../../store/cache-session.js';

/** Options of `devicelogin accounts`. */
export interface AccountsOptions {
  readonly json: boolean;
}

const help = `devicelogin accounts — list the signed-in accounts

Usage: devicelogin accounts [--json]

Lists every account in the token cache, whatever the profile: username, tenant, the authority's
host and the home account id (what --account accepts besides the username).

Options:
      --json              a JSON array on stdout

Examples:
  devicelogin accounts
  devicelogin accounts --json | jq -r '.[].username'

Exit codes: 0 (also when there is none), 1 other error (e.g. an unreadable config file), 2 usage
(an invalid config value or DEVICELOGIN_* variable), 6 token storage.`;

/** `devicelogin accounts`. */
export const accountsCommand: Command<AccountsOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('accounts', args, { json: { type: 'boolean', default: false } });
    expectPositionals('accounts', positionals, 0);
    return { json: values.json };
  },
  async run(options, context) {
    const { app } = await openCache(context);
    const accounts = await app.getAccounts();
    if (options.json) {
      const rows = accounts.map((a) => ({
        username: a.username,
        name: a.name ?? null,
        tenant_id: a.tenantId,
        environment: a.environment,
        home_account_id: a.homeAccountId,
      }));
      context.io.stdout.write(`${JSON.stringify(rows)}\n`);
      return EXIT.ok;
    }
    if (accounts.length === 0) {
      context.io.stderr.write('No accounts are signed in. Sign in with: devicelogin login\n');
      return EXIT.ok;
    }
    context.io.stdout.write(
      renderTable(
        ['USERNAME', 'TENANT', 'HOST', 'HOME ACCOUNT ID'],
        accounts.map((a) => [a.username, a.tenantId, a.environment, a.homeAccountId]),
      ),
    );
    return EXIT.ok;
  },
};
