import { parseCommandLine, TARGET_HELP, TARGET_OPTIONS, targetFlagsOf } from '../../args.js';
import type { Command } from '../../command.js';
import type { TargetFlags } from '../../config/target.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { openSession } from '../../session.js';
import { acquireToken } from '../token/acquire.js';
import { requireBearer } from '../token/bearer-only.js';
import { formatCredentialOutput, parseCredentialInput } from './credential-protocol.js';

/** Options of `devicelogin git-credential` (`git-credential-devicelogin`). */
export interface GitCredentialOptions {
  readonly action: 'get' | 'store' | 'erase';
  readonly target: TargetFlags;
  readonly account: string | undefined;
  /** `--username`: the user name git sends; default git's, else the account's. */
  readonly username: string | undefined;
  readonly neverInteractive: boolean;
}

const help = `git-credential-devicelogin — git credential helper (git-credential(1))

Usage: git-credential-devicelogin [--profile P | …] [--username U] get | store | erase
       devicelogin git-credential [options] get | store | erase

get: reads git's request on stdin and answers username= and password=<access token> (with
password_expiry_utc), for https remotes only. When a sign-in is needed and stderr is a terminal,
the device code is shown there (git waits); otherwise it answers nothing, so git goes on to its
next helper or prompt, and exits 4. store and erase read the request and do nothing: the tokens
live in devicelogin's cache, and an expired one is refreshed on the next get.

${TARGET_HELP}

Options:
      --account A         the account when several are signed in
      --username U        the user name to send (Azure DevOps accepts any; GitHub wants x-access-token)
      --no-interactive    never sign in here

git config (one host):
  git config --global credential.https://dev.azure.com.helper "devicelogin --profile ado"
  git config --global credential.https://dev.azure.com.useHttpPath true

Examples:
  printf 'protocol=https\\nhost=dev.azure.com\\n\\n' | git credential fill

Exit codes: 0 answered (or nothing to do), 1 the server refused or answered unexpectedly, 2 usage,
3 declined or expired, 4 sign-in needed, 5 network, 6 token storage, 130 Ctrl+C.`;

/** `devicelogin git-credential` and `git-credential-devicelogin`. */
export const gitCredentialCommand: Command<GitCredentialOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('git-credential', args, {
      ...TARGET_OPTIONS,
      account: { type: 'string' },
      username: { type: 'string' },
      'no-interactive': { type: 'boolean', default: false },
    });
    const action = positionals[0];
    if (positionals.length !== 1 || (action !== 'get' && action !== 'store' && action !== 'erase')) {
      throw new UsageError('Expected one action: get, store or erase.', 'git runs the helper with one of them.');
    }
    return {
      action,
      target: targetFlagsOf(values),
      account: values.account,
      username: values.username,
      neverInteractive: values['no-interactive'],
    };
  },
  async run(options, context) {
    const request = parseCredentialInput(await context.io.readStdin());
    if (options.action !== 'get') return EXIT.ok;
    if (request.get('protocol') !== 'https') return EXIT.ok;
    const interactive = !options.neverInteractive && context.io.stderrIsTTY;
    const session = await openSession(context, options.target, { write: interactive });
    const result = await acquireToken(context, session, {
      account: options.account,
      interactive,
      display: { json: false, qr: true },
    });
    requireBearer(result, 'git', session);
    const username = options.username ?? request.get('username') ?? result.account?.username ?? 'oauth2';
    const expiry =
      result.expiresOn === undefined
        ? []
        : [['password_expiry_utc', String(Math.floor(result.expiresOn.getTime() / 1000))] as const];
    context.io.stdout.write(
      formatCredentialOutput([['username', username || 'oauth2'], ['password', result.accessToken], ...expiry]),
    );
    return EXIT.ok;
  },
};
