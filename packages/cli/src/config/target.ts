import { NoClientIdError, UsageError } from '../errors.js';
import type { ConfigFile, Profile } from './config-file.js';

/** The provider profiles of `@devicelogin/client` (kept here so resolving needs no import). */
export const PROVIDERS = [
  'entra',
  'entra-v1',
  'adfs',
  'github',
  'google',
  'auth0',
  'okta',
  'keycloak',
  'generic',
] as const;

/** A provider profile name. */
export type Provider = (typeof PROVIDERS)[number];

/** Providers the client knows a default authority for. */
const DEFAULT_AUTHORITY: ReadonlySet<Provider> = new Set(['entra', 'entra-v1', 'github', 'google']);

/** What identifies the app to sign in to, from the command line. */
export interface TargetFlags {
  readonly profile?: string | undefined;
  readonly authority?: string | undefined;
  readonly clientId?: string | undefined;
  readonly provider?: string | undefined;
  /** Space- or comma-separated. */
  readonly scopes?: string | undefined;
  readonly tenant?: string | undefined;
  /** `--dpop`: ask for DPoP-bound tokens (only ever true; absent: the environment or profile decides). */
  readonly dpop?: boolean | undefined;
}

/** Where and as whom to sign in: flags over environment over profile. */
export interface Target {
  /** The profile used, if any (it names the target in messages). */
  readonly profileName: string | undefined;
  readonly authority: string | undefined;
  readonly clientId: string;
  readonly provider: Provider | undefined;
  readonly scopes: readonly string[];
  readonly clientSecret: string | undefined;
  /** Added to the device authorization request (Auth0's `audience`). */
  readonly extraParameters: Readonly<Record<string, string>>;
  /** The command line that signs in to this target again (for hints). */
  readonly loginCommand: string;
  /** Sign in and refresh with DPoP proofs (`auth.dpop`). */
  readonly dpop: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Splits a scope list on spaces and commas. */
export function splitScopes(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((scope) => scope !== '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function chooseProfile(flags: TargetFlags, env: Env, config: ConfigFile): [string | undefined, Profile] {
  const explicit = nonEmpty(flags.profile) ?? nonEmpty(env['DEVICELOGIN_PROFILE']);
  if (explicit !== undefined) {
    const profile = config.profiles?.[explicit];
    if (profile === undefined) {
      throw new UsageError(
        `No profile named "${explicit}".`,
        `Create it with: devicelogin config set --profile ${explicit} client-id <id>  (see devicelogin config list)`,
      );
    }
    return [explicit, profile];
  }
  const adHoc = flags.authority !== undefined || flags.clientId !== undefined || flags.provider !== undefined;
  const name = adHoc ? undefined : config['default-profile'];
  if (name === undefined) return [undefined, {}];
  return [name, config.profiles?.[name] ?? {}];
}

/** `true`/`1`/`yes` or `false`/`0`/`no` (case-insensitive); undefined for anything else. */
export function parseSwitch(value: string | undefined): boolean | undefined {
  const normalized = value?.trim().toLowerCase();
  if (normalized === 'true' || normalized === '1' || normalized === 'yes') return true;
  if (normalized === 'false' || normalized === '0' || normalized === 'no') return false;
  return undefined;
}

function dpopSetting(flags: TargetFlags, env: Env, profile: Profile): boolean {
  if (flags.dpop === true) return true;
  const variable = nonEmpty(env['DEVICELOGIN_DPOP']);
  if (variable !== undefined) {
    const value = parseSwitch(variable);
    if (value === undefined) throw new UsageError(`DEVICELOGIN_DPOP must be true or false, not "${variable}".`);
    return value;
  }
  return parseSwitch(profile.dpop) ?? false;
}

function withTenant(authority: string | undefined, provider: Provider | undefined, tenant: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(tenant)) throw new UsageError(`--tenant "${tenant}" is not a tenant name or id.`);
  const entra = provider === 'entra' || provider === 'entra-v1' || provider === undefined;
  if (authority === undefined) {
    if (entra) return `https://login.microsoftonline.com/${tenant}`;
    throw new UsageError(`--tenant needs --authority for provider ${provider}.`);
  }
  const url = new URL(authority);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (!entra && segments.length !== 1) {
    throw new UsageError(
      '--tenant applies to Entra authorities and to authorities whose path is one tenant segment.',
      'Put the tenant in --authority instead.',
    );
  }
  url.pathname = `/${[tenant, ...segments.slice(1)].join('/')}`;
  return url.href.replace(/\/$/, '');
}

/**
 * Resolves the app to sign in to. Precedence: flags, then `DEVICELOGIN_*` variables, then the
 * profile (`--profile`, `DEVICELOGIN_PROFILE`, else the config's `default-profile` unless
 * `--authority`, `--client-id` or `--provider` describe an app on the command line).
 * @throws {UsageError} unknown profile or provider, no authority where one is needed, an invalid value.
 * @throws {NoClientIdError} no client id.
 */
export function resolveTarget(flags: TargetFlags, env: Env, config: ConfigFile): Target {
  const [profileName, profile] = chooseProfile(flags, env, config);
  const pick = (flag: string | undefined, variable: string, key: keyof Profile): string | undefined =>
    nonEmpty(flag) ?? nonEmpty(env[variable]) ?? nonEmpty(profile[key]);
  const providerName = pick(flags.provider, 'DEVICELOGIN_PROVIDER', 'provider');
  if (providerName !== undefined && !(PROVIDERS as readonly string[]).includes(providerName)) {
    throw new UsageError(`Unknown provider "${providerName}".`, `One of: ${PROVIDERS.join(', ')}.`);
  }
  const provider = providerName as Provider | undefined;
  let authority = pick(flags.authority, 'DEVICELOGIN_AUTHORITY', 'authority');
  if (authority !== undefined && !URL.canParse(authority)) {
    throw new UsageError(`--authority "${authority}" is not an absolute URL.`);
  }
  const tenant = pick(flags.tenant, 'DEVICELOGIN_TENANT', 'tenant');
  if (tenant !== undefined) authority = withTenant(authority, provider, tenant);
  if (authority === undefined && provider !== undefined && !DEFAULT_AUTHORITY.has(provider)) {
    throw new UsageError(`Provider ${provider} needs --authority (its issuer URL).`);
  }
  const clientId = pick(flags.clientId, 'DEVICELOGIN_CLIENT_ID', 'client-id');
  if (clientId === undefined) {
    throw new NoClientIdError(
      'No client id: which app registration should sign you in?',
      'Pass --client-id <id> (with --authority or --provider), or use a profile: devicelogin config set --profile work client-id <id>',
    );
  }
  const audience = nonEmpty(env['DEVICELOGIN_AUDIENCE']) ?? nonEmpty(profile.audience);
  const dpop = dpopSetting(flags, env, profile);
  const loginCommand =
    profileName !== undefined && flags.authority === undefined && flags.clientId === undefined
      ? `devicelogin login --profile ${profileName}`
      : `devicelogin login${flags.authority === undefined ? '' : ` --authority ${flags.authority}`}${flags.clientId === undefined ? '' : ` --client-id ${flags.clientId}`}${flags.provider === undefined ? '' : ` --provider ${flags.provider}`}${flags.scopes === undefined ? '' : ` --scopes "${flags.scopes}"`}${flags.dpop === true ? ' --dpop' : ''}`;
  return {
    profileName,
    authority,
    clientId,
    provider,
    scopes: splitScopes(pick(flags.scopes, 'DEVICELOGIN_SCOPES', 'scopes')),
    clientSecret: nonEmpty(env['DEVICELOGIN_CLIENT_SECRET']) ?? nonEmpty(profile['client-secret']),
    extraParameters: audience === undefined ? {} : { audience },
    loginCommand,
    dpop,
  };
}
