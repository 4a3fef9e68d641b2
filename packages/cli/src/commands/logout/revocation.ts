import type { AccountInfo, PublicClientApplication, SignOutResult } from '@devicelogin/client';
import type { TargetFlags } from '../../config/target.js';
import type { CliContext } from '../../context.js';
import { NoClientIdError } from '../../errors.js';
import { openSession } from '../../session.js';
import { openCache } from '../../store/cache-session.js';
import { printable } from '../../render/printable.js';

/** The token cache as `logout` uses it, and whether revocation can go through a configured app. */
export interface LogoutCache {
  /** A client over the token cache: the configured app's when there is one. */
  readonly app: PublicClientApplication;
  /** Host of the configured app's authority: only its accounts can be revoked through it. */
  readonly revocationHost: string | undefined;
}

const STAY_VALID = 'issued tokens stay valid until they expire';

/** The note after an account signed out without `--local` when no app is configured to revoke with. */
const NO_APP_NOTE =
  'note: not revoked at the provider: no app is configured to revoke with; name it with --profile, or --client-id and --authority. ' +
  'Issued tokens stay valid until they expire.';

/** True when the command line names an app (then a mistake in it stops the command). */
function hasTargetFlags(flags: TargetFlags): boolean {
  return [flags.profile, flags.authority, flags.clientId, flags.provider, flags.tenant].some((v) => v !== undefined);
}

/**
 * Opens the token cache for `logout`. With `revoke`, through the app the flags, `DEVICELOGIN_*`
 * variables or the default profile name (as `token` does); when none is configured (no client
 * id) and no flag names one, through a placeholder app (sign-out is then local only).
 * @throws {UsageError} the flags name an app that cannot be resolved, or a `DEVICELOGIN_*`
 * variable, the profile or the config is invalid (nothing is signed out).
 */
export async function openLogoutCache(context: CliContext, target: TargetFlags, revoke: boolean): Promise<LogoutCache> {
  if (revoke) {
    try {
      const session = await openSession(context, target, { write: false });
      return { app: session.app, revocationHost: new URL(session.app.authority).host };
    } catch (error) {
      if (!(error instanceof NoClientIdError) || hasTargetFlags(target)) throw error;
    }
  }
  return { app: (await openCache(context)).app, revocationHost: undefined };
}

/** `user@example.com on host:port`. */
function who(account: AccountInfo): string {
  return `${account.username || account.homeAccountId} on ${account.environment}`;
}

/** What one account's sign-out printed, and whether its revocation failed. */
export interface SignOutReport {
  readonly failed: 'no' | 'yes' | 'cancelled';
}

/**
 * Signs one account out (revoking through the configured app unless `revoke` is false; the client
 * itself sends nothing for an account of another authority) and says on stderr what happened.
 */
export async function signOutAndReport(
  context: CliContext,
  cache: LogoutCache,
  account: AccountInfo,
  revoke: boolean,
): Promise<SignOutReport> {
  const host = cache.revocationHost;
  const result = await cache.app.signOut(account, { revoke: revoke && host !== undefined, signal: context.signal });
  context.io.stderr.write(line(result, revoke, host));
  if (result.revocation.status !== 'failed') return { failed: 'no' };
  return { failed: result.revocation.error.code === 'cancelled' ? 'cancelled' : 'yes' };
}

/**
 * The line saying what became of `result`; `revoke`: revocation was asked for (no `--local`),
 * `host`: the configured app's authority host (undefined: no app to revoke with).
 */
function line(result: SignOutResult, revoke: boolean, host: string | undefined): string {
  const name = who(result.account);
  const revocation = result.revocation;
  switch (revocation.status) {
    case 'revoked':
      return `Signed out ${name} (revoked at the provider).\n`;
    case 'no_endpoint':
      return `Signed out ${name} (the provider has no revocation endpoint: ${STAY_VALID}).\n`;
    case 'no_refresh_token':
      return `Signed out ${name} (no refresh token of this app to revoke: ${STAY_VALID}).\n`;
    case 'not_requested':
      return revoke
        ? `Signed out ${name} (on this machine only).\n${NO_APP_NOTE}\n`
        : `Signed out ${name} (on this machine only: ${STAY_VALID}).\n`;
    case 'other_authority':
      return `Signed out ${name} (not revoked: signed in at another host than the configured app's ${host ?? ''}; ${STAY_VALID}).\n`;
    case 'failed':
      return (
        `Signed out ${name} on this machine only.\n` +
        `warning: revocation at the provider failed: ${printable(revocation.error.message).replace(/\.$/, '')}. ` +
        `The tokens may stay valid there until they expire.\n`
      );
  }
}

/**
 * For `--all`, when signing `account` out threw (its cache entry could not be read or written: a
 * lock held too long, an I/O error): says so on stderr. The account goes with the cache file, but
 * its revocation may not have happened: counted as failed (exit 9), or cancelled after Ctrl+C.
 */
export function signOutFailure(context: CliContext, account: AccountInfo, error: unknown): SignOutReport {
  const reason = error instanceof Error ? printable(error.message).replace(/\.$/, '') : String(error);
  context.io.stderr.write(
    `warning: signing out ${who(account)} failed: ${reason}. ` +
      'It is removed with the token cache file, but its tokens may not have been revoked at the provider: they may stay valid until they expire.\n',
  );
  return { failed: context.signal.aborted ? 'cancelled' : 'yes' };
}
