import type { AuthenticationResult } from '@devicelogin/client';
import { UsageError } from '../../errors.js';
import type { Session } from '../../session.js';

/**
 * For commands that hand the token to a program that sends it as `Authorization: Bearer` and
 * cannot make DPoP proofs (kubectl, git): a DPoP-bound token would be refused by the API, so
 * say so here instead of handing out a token that cannot work.
 * @throws {UsageError} when the token is DPoP-bound.
 */
export function requireBearer(result: AuthenticationResult, consumer: string, session: Session): void {
  if (result.tokenType !== 'DPoP') return;
  const name = session.target.profileName;
  throw new UsageError(
    `The token of this account is DPoP-bound: ${consumer} sends tokens as Bearer tokens, which the API refuses for a bound token.`,
    name === undefined
      ? `Sign in again without --dpop (and without DEVICELOGIN_DPOP) for ${consumer}: devicelogin login`
      : `Use DPoP nowhere in the profile ${consumer} uses: devicelogin config set --profile ${name} dpop false, then devicelogin login --profile ${name}`,
  );
}
