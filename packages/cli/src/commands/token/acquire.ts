import type { AuthenticationResult } from '@devicelogin/client';
import { selectAccount } from '../../accounts.js';
import type { CliContext } from '../../context.js';
import { SignInNeededError } from '../../errors.js';
import type { Session } from '../../session.js';
import { signIn, type SignInDisplay } from '../login/sign-in.js';

/** How {@link acquireToken} may get a token. */
export interface AcquireOptions {
  /** `--account`: username or home account id. */
  readonly account: string | undefined;
  /** Sign in with a device code (on stderr) when the cache cannot serve. */
  readonly interactive: boolean;
  /** A claims challenge (CAE): skips the cached access token. */
  readonly claims?: string;
  readonly forceRefresh?: boolean;
  /** How a sign-in, if any, is shown. */
  readonly display?: SignInDisplay;
}

/**
 * A token for the session's scopes: from the cache, refreshing silently; when that needs the
 * user, a device code sign-in if `interactive`, else a {@link SignInNeededError} (exit 4) whose
 * hint is the login command.
 */
export async function acquireToken(
  context: CliContext,
  session: Session,
  options: AcquireOptions,
): Promise<AuthenticationResult> {
  const display = options.display ?? { json: false, qr: true };
  const interactively = (claims: string | undefined): Promise<AuthenticationResult> =>
    signIn(context, session, display, claims === undefined ? {} : { claims });
  let account;
  try {
    account = await selectAccount(session, options.account);
  } catch (error) {
    if (options.interactive && error instanceof SignInNeededError) return interactively(options.claims);
    throw error;
  }
  try {
    return await session.app.acquireTokenSilent({
      account,
      scopes: session.target.scopes,
      signal: context.signal,
      ...(options.claims === undefined ? {} : { claims: options.claims }),
      ...(options.forceRefresh === true ? { forceRefresh: true } : {}),
    });
  } catch (error) {
    if (!(error instanceof session.client.InteractionRequiredError)) throw error;
    if (options.interactive) return interactively(error.claims ?? options.claims);
    throw new SignInNeededError(
      `A sign-in is needed for ${account.username || account.homeAccountId}: ${error.message}`,
      `Sign in with: ${session.target.loginCommand}`,
    );
  }
}
