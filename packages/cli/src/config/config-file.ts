import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/** What a profile may set; every field is optional and flags or environment override it. */
export interface Profile {
  readonly authority?: string;
  readonly 'client-id'?: string;
  readonly provider?: string;
  /** Space-separated scopes. */
  readonly scopes?: string;
  readonly tenant?: string;
  /** Google's installed-app secret (not confidential, but not printed by `config list`). */
  readonly 'client-secret'?: string;
  /** Auth0's `audience` for API tokens. */
  readonly audience?: string;
  /** `true`: sign in and refresh with DPoP proofs (sender-constrained tokens, RFC 9449). */
  readonly dpop?: string;
}

/** The names of {@link Profile}'s fields, the keys `config set --profile P <key>` accepts. */
export const PROFILE_KEYS = [
  'authority',
  'client-id',
  'provider',
  'scopes',
  'tenant',
  'client-secret',
  'audience',
  'dpop',
] as const satisfies readonly (keyof Profile)[];

/** A profile key. */
export type ProfileKey = (typeof PROFILE_KEYS)[number];

/** The top-level keys `config set <key>` accepts. */
export const GLOBAL_KEYS = ['default-profile', 'keyring'] as const;

/** A top-level key. */
export type GlobalKey = (typeof GLOBAL_KEYS)[number];

/** The config file (`config.json` under the XDG config dir), as JSON. */
export interface ConfigFile {
  /** The profile used when neither `--profile` nor `DEVICELOGIN_PROFILE` names one. */
  readonly 'default-profile'?: string;
  /** `auto` (default): the OS keyring, else a 0600 file with a notice. `required`: no keyring is an error. */
  readonly keyring?: 'auto' | 'required';
  readonly profiles?: Readonly<Record<string, Profile>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one value for `key`; returns the problem or undefined. */
export function checkValue(key: ProfileKey | GlobalKey, value: string): string | undefined {
  if (key === 'keyring') return value === 'auto' || value === 'required' ? undefined : 'must be auto or required';
  if (key === 'authority' && !URL.canParse(value)) return 'must be an absolute URL';
  if (key === 'dpop') return value === 'true' || value === 'false' ? undefined : 'must be true or false';
  if (value === '') return 'must not be empty';
  return undefined;
}

function validate(data: unknown, path: string): ConfigFile {
  const bad = (problem: string) =>
    new UsageError(
      `The config file ${path} is invalid: ${problem}.`,
      'Fix it, or change it with `devicelogin config set`.',
    );
  if (!isRecord(data)) throw bad('not a JSON object');
  for (const key of Object.keys(data)) {
    if (key === 'profiles') continue;
    if (!(GLOBAL_KEYS as readonly string[]).includes(key)) throw bad(`unknown key "${key}"`);
    const value = data[key];
    const problem = typeof value === 'string' ? checkValue(key as GlobalKey, value) : 'must be a string';
    if (problem !== undefined) throw bad(`${key} ${problem}`);
  }
  const profiles = data['profiles'];
  if (profiles !== undefined) {
    if (!isRecord(profiles)) throw bad('profiles must be an object');
    for (const [name, profile] of Object.entries(profiles)) {
      if (!isRecord(profile)) throw bad(`profile "${name}" must be an object`);
      for (const [key, value] of Object.entries(profile)) {
        if (!(PROFILE_KEYS as readonly string[]).includes(key)) throw bad(`profile "${name}": unknown key "${key}"`);
        const problem = typeof value === 'string' ? checkValue(key as ProfileKey, value) : 'must be a string';
        if (problem !== undefined) throw bad(`profile "${name}": ${key} ${problem}`);
      }
    }
  }
  return data;
}

/** Reads the config file; an absent file is an empty configuration. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`Cannot read the config file ${path}.`, EXIT.error, undefined, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`The config file ${path} is not valid JSON.`, 'Fix it or delete it.');
  }
  return validate(data, path);
}

/** Writes the config file atomically (temporary file + rename), mode 0600 in a 0700 directory. */
export async function writeConfigFile(path: string, config: ConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
