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
import { signIn } from './sign-in.js';

/** Options of `devicelogin login`. */
export interface LoginOptions {
  readonly target: TargetFlags;
  readonly json: boolean;
  readonly qr: boolean;
}

const help = `devicelogin login — sign in with a device code

Usage: devicelogin login [--profile P | --authority URL --client-id ID | --provider NAME] [options]

Prints a URL and a code on stderr (a QR code and a countdown on a terminal). Open the URL on any
device, enter the code, sign in and consent; the tokens are then kept in the token cache (the
OS keyring, else a 0600 file) for 'devicelogin token'. With --dpop, the sign-in makes a key pair
kept with the account in the token cache, and asks for tokens bound to it (DPoP); a provider
without DPoP support answers with ordinary Bearer tokens.

Scopes: without --scopes (or DEVICELOGIN_SCOPES, or the profile's scopes), a generic OpenID
Connect provider (an authority the client does not recognise, or --provider generic) is asked
for "openid profile offline_access": an id_token, so an account to cache, and a refresh token.
Entra, Okta, Auth0, Keycloak, AD FS and Google add their own defaults to any scopes; GitHub
gets none.

${TARGET_HELP}

Options:
${DPOP_HELP}
      --json              JSON lines on stdout: {"event":"device_code",…}, {"event":"signed_in",…}
      --no-qr             no QR code
      --debug             show stack traces of errors

Examples:
  devicelogin login --provider entra --tenant contoso.com --client-id 00000000-0000-0000-0000-000000000000
  devicelogin login --authority http://127.0.0.1:3000/contoso --client-id devicelogin-demo --scopes "openid profile offline_access api://demo/read"
  devicelogin login --profile work --scopes "User.Read Mail.Read"
  devicelogin login --authority https://id.example.com --client-id cli --dpop
  devicelogin login --json | my-wrapper

Exit codes: 0 signed in, 1 the server refused (e.g. invalid_scope) or answered unexpectedly, 2 usage,
3 declined or expired, 5 network, 6 token storage, 130 Ctrl+C.`;

/** `devicelogin login`. */
export const loginCommand: Command<LoginOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('login', args, {
      ...TARGET_OPTIONS,
      ...DPOP_OPTION,
      json: { type: 'boolean', default: false },
      'no-qr': { type: 'boolean', default: false },
    });
    expectPositionals('login', positionals, 0);
    return { target: targetFlagsOf(values), json: values.json, qr: !values['no-qr'] };
  },
  async run(options, context) {
    const session = await openSession(context, options.target, { write: true });
    await signIn(context, session, { json: options.json, qr: options.qr });
    return EXIT.ok;
  },
};
