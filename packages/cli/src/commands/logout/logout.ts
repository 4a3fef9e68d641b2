import { rm } from 'node:fs/promises';
import type { AccountInfo } from '@devicelogin/client';
import { accountMatches } from '../../accounts.js';
import {
  parseCommandLine,
  expectPositionals,
  TARGET_HELP_WITHOUT_SCOPES,
  TARGET_OPTIONS,
  targetFlagsOf,
} from '../../args.js';
import type { Command } from '../../command.js';
import type { TargetFlags } from '../../config/target.js';
import { tokenCachePath } from '../../config/paths.js';
import type { CliContext } from '../../context.js';
import { CliError, UsageError } from '../../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import {
  openLogoutCache,
  signOutAndReport,
  signOutFailure,
  type LogoutCache,
  type SignOutReport,
} from './revocation.js';

/** Options of `devicelogin logout`. */
export interface LogoutOptions {
  /** Username or home account id; undefined with `all`, or to sign out the only account. */
  readonly account: string | undefined;
  readonly all: boolean;
  /** Revoke at the provider (default); false with `--local`. */
  readonly revoke: boolean;
  /** The app revocation goes through (flags; `DEVICELOGIN_*` and the profile fill in). */
  readonly target: TargetFlags;
}

const help = `devicelogin logout — sign out: revoke the tokens at the provider and forget them here

Usage: devicelogin logout [--account A | --all] [--local] [app options]

Revokes the account's refresh token at the provider (RFC 7009) when the provider has a
revocation endpoint, then removes the account and all its tokens from the token cache, whatever
the provider answered. Without options, signs out the only account; with several, name one.
--all revokes every account's tokens, then deletes the token cache file itself (that works even
when the keyring that encrypts it is gone: nothing is revoked then). Revocation goes through the
app named by the options below (or DEVICELOGIN_* variables, or the default profile), for the
accounts of its authority; when none names a client id, accounts are signed out here only. A
provider without a revocation endpoint (Microsoft Entra ID) cannot end issued tokens: they stay
valid until they expire, as they do with --local. After a revocation, access tokens already
issued may stay valid until they expire (typically within an hour) at APIs that check them
offline.

Options:
      --account A         username or home account id (devicelogin accounts)
      --all               every account: revokes, then deletes the cache file
      --local             do not contact the provider: forget the tokens on this machine only

${TARGET_HELP_WITHOUT_SCOPES}
  (--scopes is accepted, so that the same app options work with every command, and ignored.)

Examples:
  devicelogin logout
  devicelogin logout --account ada@contoso.example --profile work
  devicelogin logout --all
  devicelogin logout --local

Exit codes: 0 signed out (revoked, or the provider cannot revoke, or --local), 1 other error (e.g.
an unreadable config file), 2 usage (several accounts, or none named A; an invalid flag, config
value or DEVICELOGIN_* variable: nothing is signed out), 6 token storage, 9 signed out here but a
revocation request failed, or --all could not sign one account out (the tokens may stay valid at
the provider), 130 Ctrl+C.`;

function exitCodeOf(reports: readonly SignOutReport[]): ExitCode {
  if (reports.some((r) => r.failed === 'cancelled')) return EXIT.cancelled;
  return reports.some((r) => r.failed === 'yes') ? EXIT.revocationFailed : EXIT.ok;
}

/** The token cache's accounts for `--all`; undefined (said on stderr) when the cache cannot be opened. */
async function openForAll(
  options: LogoutOptions,
  context: CliContext,
): Promise<{ cache: LogoutCache; accounts: AccountInfo[] } | undefined> {
  try {
    const cache = await openLogoutCache(context, options.target, true);
    return { cache, accounts: await cache.app.getAccounts() };
  } catch (error) {
    // A wrong flag, variable or config value stops the command before anything is removed.
    if (error instanceof UsageError) throw error;
    const reason = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
    context.io.stderr.write(
      `warning: the token cache could not be opened (${reason}): revocation was not possible; issued tokens stay valid until they expire.\n`,
    );
    return undefined;
  }
}

/**
 * `--all`: revoke what can be revoked, account by account (one that fails does not stop the
 * others), then delete the cache file (even when it cannot be opened).
 */
async function logoutAll(options: LogoutOptions, context: CliContext): Promise<ExitCode> {
  const { stderr } = context.io;
  const path = tokenCachePath(context.env, context.homeDir);
  const reports: SignOutReport[] = [];
  const opened = options.revoke ? await openForAll(options, context) : undefined;
  if (opened !== undefined) {
    for (const account of opened.accounts) {
      try {
        reports.push(await signOutAndReport(context, opened.cache, account, true));
      } catch (error) {
        reports.push(signOutFailure(context, account, error));
      }
    }
  }
  try {
    await rm(path, { force: true });
  } catch (error) {
    throw new CliError(`Cannot delete the token cache ${path}.`, EXIT.storage, undefined, { cause: error });
  }
  stderr.write(`Signed out of every account (deleted ${path}).\n`);
  return exitCodeOf(reports);
}

/** `devicelogin logout`. */
export const logoutCommand: Command<LogoutOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('logout', args, {
      ...TARGET_OPTIONS,
      account: { type: 'string' },
      all: { type: 'boolean', default: false },
      local: { type: 'boolean', default: false },
    });
    expectPositionals('logout', positionals, 0);
    if (values.all && values.account !== undefined) throw new UsageError('Use --account or --all, not both.');
    return { account: values.account, all: values.all, revoke: !values.local, target: targetFlagsOf(values) };
  },
  async run(options, context) {
    if (options.all) return logoutAll(options, context);
    const { stderr } = context.io;
    const cache = await openLogoutCache(context, options.target, options.revoke);
    const accounts = await cache.app.getAccounts();
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
    const reports: SignOutReport[] = [];
    for (const account of chosen) reports.push(await signOutAndReport(context, cache, account, options.revoke));
    return exitCodeOf(reports);
  },
};
