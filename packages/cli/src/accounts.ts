import type { AccountInfo } from '@devicelogin/client';
import { UsageError, SignInNeededError } from './errors.js';
import type { Session } from './session.js';

/** Microsoft's public-cloud hosts, which MSAL caches treat as one environment. */
const MICROSOFT_ALIASES = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
]);

function sameEnvironment(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (MICROSOFT_ALIASES.has(x) && MICROSOFT_ALIASES.has(y));
}

/** The cached accounts of the session's authority (its host; Microsoft aliases are one). */
export async function accountsOfTarget(session: Session): Promise<AccountInfo[]> {
  const host = new URL(session.app.authority).host;
  return (await session.app.getAccounts()).filter((account) => sameEnvironment(account.environment, host));
}

/** True when `account` is named by `query`: its username (case-insensitive) or home account id. */
export function accountMatches(account: AccountInfo, query: string): boolean {
  return account.username.toLowerCase() === query.toLowerCase() || account.homeAccountId === query;
}

/**
 * The account a command acts for: the one named by `--account` (username or home account id),
 * else the only account of the target's authority.
 * @throws {SignInNeededError} none cached (exit 4).
 * @throws {UsageError} several accounts and no `--account`.
 */
export async function selectAccount(session: Session, query: string | undefined): Promise<AccountInfo> {
  const accounts = await accountsOfTarget(session);
  const hint = `Sign in with: ${session.target.loginCommand}`;
  if (query !== undefined) {
    const found = accounts.find((account) => accountMatches(account, query));
    if (found === undefined)
      throw new SignInNeededError(`No signed-in account "${query}" for ${session.app.authority}.`, hint);
    return found;
  }
  const [only, ...others] = accounts;
  if (only === undefined) throw new SignInNeededError(`Not signed in to ${session.app.authority}.`, hint);
  if (others.length > 0) {
    throw new UsageError(
      `Several accounts are signed in to ${session.app.authority}: ${accounts.map((a) => a.username).join(', ')}.`,
      'Choose one with --account <username>.',
    );
  }
  return only;
}
