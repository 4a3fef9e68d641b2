import { COMMANDS } from './commands/registry.js';

/** The CLI's version (the package's). */
export const VERSION = '0.1.0';

/** `devicelogin --help`. */
export const GENERAL_HELP = `devicelogin ${VERSION} — sign in from a terminal with the OAuth 2.0 device flow (RFC 8628)

Usage: devicelogin <command> [options]      devicelogin <command> --help

Commands:
${Object.entries(COMMANDS)
  .map(([name, entry]) => `  ${name.padEnd(20)}${entry.summary}`)
  .join('\n')}

Global options:
  -h, --help              help for a command, with examples
      --debug             stack traces and causes of errors
      --version           the version

Examples:
  devicelogin login --authority https://login.microsoftonline.com/contoso.com --client-id <app id>
  devicelogin token --profile work | pbcopy
  devicelogin api https://graph.microsoft.com/v1.0/me --scopes User.Read

Exit codes: 0 ok, 1 error, 2 usage, 3 sign-in failed, 4 sign-in needed, 5 network, 6 token storage,
7 API answered 4xx, 8 API answered 5xx, 9 logout: signed out here but revocation failed, 130 Ctrl+C.
Details: docs/cli.md.
Colour only on a terminal, never with NO_COLOR.`;
