import { parseCommandLine } from '../../args.js';
import type { Command } from '../../command.js';
import {
  checkValue,
  GLOBAL_KEYS,
  PROFILE_KEYS,
  readConfigFile,
  writeConfigFile,
  type ConfigFile,
  type GlobalKey,
  type ProfileKey,
} from '../../config/config-file.js';
import { configFilePath } from '../../config/paths.js';
import { PROVIDERS } from '../../config/target.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';

/** Options of `devicelogin config`. */
export type ConfigOptions =
  | { readonly action: 'set'; readonly profile: string | undefined; readonly key: string; readonly value: string }
  | { readonly action: 'get' | 'unset'; readonly profile: string | undefined; readonly key: string }
  | { readonly action: 'list'; readonly json: boolean }
  | { readonly action: 'path' };

const help = `devicelogin config — profiles and settings

Usage: devicelogin config set [--profile P] <key> <value>
       devicelogin config get [--profile P] <key>
       devicelogin config unset [--profile P] <key>
       devicelogin config list [--json]
       devicelogin config path

The config file is $DEVICELOGIN_CONFIG_DIR/config.json, else $XDG_CONFIG_HOME/devicelogin/config.json,
else ~/.config/devicelogin/config.json (mode 0600).

Profile keys (with --profile): ${PROFILE_KEYS.join(', ')}
Global keys:                    default-profile, keyring (auto | required)

  keyring auto      the OS keyring when there is one, else a 0600 plaintext file (said once, at login)
  keyring required  no keyring is an error (exit 6)
  dpop true         (profile) sign in and refresh with DPoP proofs: sender-constrained tokens

Environment (overrides the profile): DEVICELOGIN_PROFILE, DEVICELOGIN_AUTHORITY, DEVICELOGIN_CLIENT_ID,
DEVICELOGIN_PROVIDER, DEVICELOGIN_SCOPES, DEVICELOGIN_TENANT, DEVICELOGIN_CLIENT_SECRET,
DEVICELOGIN_AUDIENCE, DEVICELOGIN_DPOP, DEVICELOGIN_KEYRING; DEVICELOGIN_CONFIG_DIR, DEVICELOGIN_CACHE_FILE.

Examples:
  devicelogin config set --profile work authority https://login.microsoftonline.com/contoso.com
  devicelogin config set --profile work client-id 00000000-0000-0000-0000-000000000000
  devicelogin config set --profile work scopes "User.Read offline_access"
  devicelogin config set --profile work dpop true
  devicelogin config set default-profile work
  devicelogin config set keyring required
  devicelogin config list

Exit codes: 0 ok, 1 get of an unset key (said on stderr; stdout stays empty), 2 usage.`;

function checkKey(profile: string | undefined, key: string): ProfileKey | GlobalKey {
  const keys: readonly string[] = profile === undefined ? GLOBAL_KEYS : PROFILE_KEYS;
  if (!keys.includes(key)) {
    throw new UsageError(
      `Unknown ${profile === undefined ? 'global ' : 'profile '}key "${key}".`,
      profile === undefined
        ? `Global keys: ${GLOBAL_KEYS.join(', ')}. Profile keys need --profile: ${PROFILE_KEYS.join(', ')}.`
        : `Profile keys: ${PROFILE_KEYS.join(', ')}.`,
    );
  }
  return key as ProfileKey | GlobalKey;
}

function checkProfileName(name: string | undefined): void {
  if (name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new UsageError(`Profile name "${name}" may only contain letters, digits, ".", "_" and "-".`);
  }
}

function withValue(
  config: ConfigFile,
  profile: string | undefined,
  key: string,
  value: string | undefined,
): ConfigFile {
  if (profile === undefined) {
    const next: Record<string, unknown> = { ...config, [key]: value };
    if (value === undefined) delete next[key];
    return next;
  }
  const current: Record<string, string | undefined> = { ...config.profiles?.[profile], [key]: value };
  if (value === undefined) delete current[key];
  return { ...config, profiles: { ...config.profiles, [profile]: current } };
}

function lines(config: ConfigFile): [string, string][] {
  const out: [string, string][] = [];
  for (const key of GLOBAL_KEYS) {
    const value = config[key];
    if (value !== undefined) out.push([key, value]);
  }
  for (const [name, profile] of Object.entries(config.profiles ?? {})) {
    for (const key of PROFILE_KEYS) {
      const value = profile[key];
      if (value !== undefined) out.push([`profiles.${name}.${key}`, key === 'client-secret' ? '(set)' : value]);
    }
  }
  return out;
}

/** What `config get` says on stderr when the key has no value (it exits 1). */
function notSetMessage(config: ConfigFile, profile: string | undefined, key: string): string {
  if (profile === undefined) return `${key} is not set.`;
  if (config.profiles?.[profile] === undefined) return `${key} is not set: there is no profile "${profile}".`;
  return `${key} is not set in profile "${profile}".`;
}

/** `devicelogin config`. */
export const configCommand: Command<ConfigOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('config', args, {
      profile: { type: 'string', short: 'p' },
      json: { type: 'boolean', default: false },
    });
    const [action, key, value, ...extra] = positionals;
    const arity = { set: 2, get: 1, unset: 1, list: 0, path: 0 } as const;
    if (action === undefined || !Object.hasOwn(arity, action)) {
      throw new UsageError('Expected set, get, unset, list or path.', 'See: devicelogin config --help');
    }
    const expected = arity[action as keyof typeof arity];
    if ([key, value, ...extra].filter((p) => p !== undefined).length !== expected) {
      throw new UsageError(
        `config ${action} takes ${expected} argument${expected === 1 ? '' : 's'}.`,
        'See: devicelogin config --help',
      );
    }
    checkProfileName(values.profile);
    if (action === 'list') return { action, json: values.json };
    if (action === 'path') return { action };
    const checkedKey = checkKey(values.profile, key ?? '');
    if (action === 'set') {
      const problem = checkValue(checkedKey, value ?? '');
      if (problem !== undefined) throw new UsageError(`${checkedKey} ${problem}.`);
      if (checkedKey === 'provider' && !(PROVIDERS as readonly string[]).includes(value ?? '')) {
        throw new UsageError(`Unknown provider "${value}".`, `One of: ${PROVIDERS.join(', ')}.`);
      }
      return { action, profile: values.profile, key: checkedKey, value: value ?? '' };
    }
    return { action: action as 'get' | 'unset', profile: values.profile, key: checkedKey };
  },
  async run(options, context) {
    const path = configFilePath(context.env, context.homeDir);
    const { stdout, stderr } = context.io;
    if (options.action === 'path') {
      stdout.write(`${path}\n`);
      return EXIT.ok;
    }
    const config = await readConfigFile(path);
    switch (options.action) {
      case 'list': {
        const entries = lines(config);
        if (options.json) stdout.write(`${JSON.stringify(Object.fromEntries(entries))}\n`);
        else if (entries.length === 0) stderr.write(`Nothing is set (${path}).\n`);
        else stdout.write(entries.map(([k, v]) => `${k}=${v}\n`).join(''));
        return EXIT.ok;
      }
      case 'get': {
        const value =
          options.profile === undefined
            ? config[options.key as GlobalKey]
            : config.profiles?.[options.profile]?.[options.key as ProfileKey];
        if (value === undefined) {
          stderr.write(`${notSetMessage(config, options.profile, options.key)}\n`);
          return EXIT.error;
        }
        stdout.write(`${value}\n`);
        return EXIT.ok;
      }
      case 'set':
      case 'unset': {
        if (
          options.action === 'set' &&
          options.key === 'default-profile' &&
          config.profiles?.[options.value] === undefined
        ) {
          stderr.write(`note: there is no profile "${options.value}" yet.\n`);
        }
        await writeConfigFile(
          path,
          withValue(config, options.profile, options.key, options.action === 'set' ? options.value : undefined),
        );
        return EXIT.ok;
      }
    }
  },
};
