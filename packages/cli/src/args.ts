import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { TargetFlags } from './config/target.js';
import { UsageError } from './errors.js';

/** The options table of parseArgs. */
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/**
 * `node:util` parseArgs, strict, with positionals; a parse failure becomes a {@link UsageError}
 * whose hint points at the command's `--help`.
 */
export function parseCommandLine<const O extends ParseArgsOptionsConfig>(
  command: string,
  args: readonly string[],
  options: O,
): Parsed<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '.') : String(error);
    throw new UsageError(message, `See: devicelogin ${command} --help`);
  }
}

/** Fails when there are more positionals than `max`. */
export function expectPositionals(command: string, positionals: readonly string[], max: number): void {
  if (positionals.length > max) {
    throw new UsageError(`Unexpected argument "${positionals[max]}".`, `See: devicelogin ${command} --help`);
  }
}

/** The options that say which app to sign in to, shared by every command that talks to one. */
export const TARGET_OPTIONS = {
  profile: { type: 'string', short: 'p' },
  authority: { type: 'string' },
  'client-id': { type: 'string' },
  provider: { type: 'string' },
  scopes: { type: 'string' },
  tenant: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

const TARGET_HEADING = 'Which app (flags override DEVICELOGIN_* variables, which override the profile):';
const TARGET_APP_LINES = `  -p, --profile NAME      a profile from the config file (devicelogin config list)
      --authority URL     the authority or issuer URL
      --client-id ID      the app (client) id registered at the provider
      --provider NAME     entra, entra-v1, adfs, github, google, auth0, okta, keycloak, generic (else inferred)`;
const SCOPES_LINE = '      --scopes "A B"      scopes to request (space- or comma-separated)';
const TENANT_LINE = '      --tenant T          Entra tenant (id or domain): https://login.microsoftonline.com/T';

/** Their help lines. */
export const TARGET_HELP = [TARGET_HEADING, TARGET_APP_LINES, SCOPES_LINE, TENANT_LINE].join('\n');

/**
 * The help lines of {@link TARGET_OPTIONS} for a command that names an app but requests no
 * scopes (`logout`): without `--scopes`, which it accepts, so that the same app options work
 * with every command, and ignores.
 */
export const TARGET_HELP_WITHOUT_SCOPES = [TARGET_HEADING, TARGET_APP_LINES, TENANT_LINE].join('\n');

/** `--dpop`, for the commands that can use a DPoP-bound token (login, token, api). */
export const DPOP_OPTION = {
  dpop: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

/** Its help line. */
export const DPOP_HELP = `      --dpop              sender-constrained tokens (DPoP, RFC 9449); also DEVICELOGIN_DPOP=1 or the profile's dpop`;

/** {@link TargetFlags} from parsed values of {@link TARGET_OPTIONS} (and {@link DPOP_OPTION}). */
export function targetFlagsOf(values: {
  readonly profile?: string | undefined;
  readonly authority?: string | undefined;
  readonly 'client-id'?: string | undefined;
  readonly provider?: string | undefined;
  readonly scopes?: string | undefined;
  readonly tenant?: string | undefined;
  readonly dpop?: boolean | undefined;
}): TargetFlags {
  return {
    ...(values.dpop === true ? { dpop: true } : {}),
    profile: values.profile,
    authority: values.authority,
    clientId: values['client-id'],
    provider: values.provider,
    scopes: values.scopes,
    tenant: values.tenant,
  };
}
