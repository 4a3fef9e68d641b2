import { rm } from 'node:fs/promises';
import { accountMatches } from '../../accounts.js';
import { parseCommandLine, expectPositionals } from '../../args.js';
import type { Command } from '../../command.js';
import { tokenCachePath } from '../../config/paths.js';
import { CliError, UsageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { openCache } from '../../store/cache-session.js';

/** Options of `devicelogin logout`. */
export interface LogoutOptions {
  /** Username or home account id; undefined with `all`, or to sign out the only account. */
  readonly account: string | undefined;
  readonly all: boolean;
}

const help = `devicelogin logout — sign out (forget tokens on this machine)

Usage: devicelogin logout [--account A | --all]

Removes an account and all its tokens from the token cache. Without options, signs out the only
account; with several, name one. --all deletes the token cache file itself (it works even when
the keyring that encrypts it is gone). Tokens already issued stay valid at the provider until
they expire.

Options:
      --account A         username or home account id (devicelogin accounts)
      --all               every account: deletes the cache file

Examples:
  devicelogin logout
  devicelogin logout --account ada@contoso.example
  devicelogin logout --all

Exit codes: 0 signed out, 2 usage (several accounts, or none named A), 6 token storage.`;

/** `devicelogin logout`. */
export const logoutCommand: Command<LogoutOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('logout', args, {
      account: { type: 'string' },
      all: { type: 'boolean', default: false },
    });
    expectPositionals('logout', positionals, 0);
    if (values.all && values.account !== undefined) throw new UsageError('Use --account or --all, not both.');
    return { account: values.account, all: values.all };
  },
  async run(options, context) {
    const { stderr } = context.io;
    if (options.all) {
      const path = tokenCachePath(context.env, context.homeDir);
      try {
        await rm(path, { force: true });
      } catch (error) {
        throw new CliError(`Cannot delete the token cache ${path}.`, EXIT.storage, undefined, { cause: error });
      }
      stderr.write(`Signed out of every account (deleted ${path}).\n`);
      return EXIT.ok;
    }
    const { app } = await openCache(context);
    const accounts = await app.getAccounts();
    const query = options.account;
    const chosen = query === undefined ? accounts : accounts.filter((a) => accountMatches(a, query));
    if (chosen.length === 0) {
      if (query === undefined) {
        stderr.write('No accounts are signed in.\n');
        return EXIT.ok;
      }
      throw new UsageError(`No signed-in account "${query}".`, 'See: devicelogin accounts');
    }
    if (query === undefined && chosen.length > 1) {
      throw new UsageError(
        `Several accounts are signed in: ${chosen.map((a) => a.username).join(', ')}.`,
        'Choose one with --account <username>, or sign out of all with --all.',
      );
    }
    for (const account of chosen) {
      await app.removeAccount(account);
      stderr.write(`Signed out ${account.username || account.homeAccountId} (${account.environment}).\n`);
    }
    return EXIT.ok;
  },
};
