import {
  parseCommandLine,
  expectPositionals,
  DPOP_HELP,
  DPOP_OPTION,
  TARGET_HELP,
  TARGET_OPTIONS,
  targetFlagsOf,
} from '../../args.js';
import type { Command } from '../../command.js';
import type { TargetFlags } from '../../config/target.js';
import { EXIT } from '../../exit-codes.js';
import { openSession } from '../../session.js';
import { acquireToken } from './acquire.js';

/** Options of `devicelogin token`. */
export interface TokenOptions {
  readonly target: TargetFlags;
  readonly account: string | undefined;
  readonly json: boolean;
  readonly interactive: boolean;
  readonly forceRefresh: boolean;
}

const help = `devicelogin token — print an access token

Usage: devicelogin token [--profile P | --authority URL --client-id ID] [--scopes …] [--account A] [--json]

Prints the access token on stdout, from the token cache, refreshing it silently when it is
close to expiry. When a sign-in is needed, says so on stderr and exits 4, without prompting,
unless --interactive is given. A DPoP-bound token (token_type DPoP) is useless without a proof
signed by the key in the token cache: call APIs with it through 'devicelogin api'.

${TARGET_HELP}

Options:
      --account A         the account (username or home account id) when several are signed in
      --json              {"access_token", "token_type", "expires_on", "scopes", "account"} on stdout
${DPOP_HELP}
      --interactive       sign in with a device code (on stderr) when needed, then print the token
      --force-refresh     redeem the refresh token even if the cached access token is still valid

Examples:
  curl -H "Authorization: Bearer $(devicelogin token --profile work)" https://graph.microsoft.com/v1.0/me
  devicelogin token --scopes api://demo/read --json | jq -r .expires_on
  devicelogin token --interactive --provider github --client-id Iv1.0123456789abcdef

Exit codes: 0 token printed, 1 the server refused or answered unexpectedly, 2 usage, 3 declined or
expired (--interactive), 4 sign-in needed, 5 network, 6 token storage, 130 Ctrl+C.`;

/** `devicelogin token`. */
export const tokenCommand: Command<TokenOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('token', args, {
      ...TARGET_OPTIONS,
      ...DPOP_OPTION,
      account: { type: 'string' },
      json: { type: 'boolean', default: false },
      interactive: { type: 'boolean', default: false },
      'force-refresh': { type: 'boolean', default: false },
    });
    expectPositionals('token', positionals, 0);
    return {
      target: targetFlagsOf(values),
      account: values.account,
      json: values.json,
      interactive: values.interactive,
      forceRefresh: values['force-refresh'],
    };
  },
  async run(options, context) {
    const session = await openSession(context, options.target, { write: options.interactive });
    const result = await acquireToken(context, session, {
      account: options.account,
      interactive: options.interactive,
      forceRefresh: options.forceRefresh,
      display: { json: false, qr: true },
    });
    if (!options.json) {
      if (result.tokenType === 'DPoP') {
        context.io.stderr.write(
          "note: this token is DPoP-bound: an API accepts it only with a DPoP proof; use 'devicelogin api' to call it.\n",
        );
      }
      context.io.stdout.write(`${result.accessToken}\n`);
      return EXIT.ok;
    }
    const account = result.account;
    context.io.stdout.write(
      `${JSON.stringify({
        access_token: result.accessToken,
        token_type: result.tokenType,
        expires_on: result.expiresOn?.toISOString() ?? null,
        scopes: result.scopes,
        from_cache: result.fromCache,
        account: account === undefined ? null : { username: account.username, tenant_id: account.tenantId },
      })}\n`,
    );
    return EXIT.ok;
  },
};
