/**
 * Loads the server configuration from a JSON file, the environment and command-line flags, in
 * that order of increasing precedence (flags > environment > file > defaults), and validates it
 * before anything starts. Field names, types, variables and flags come from fields.ts, so
 * docs/configuration.md (generated from the same table) cannot disagree with what is accepted.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveServerConfig, ServerConfigError, type ServerConfig } from './defaults.js';
import { CONFIG_FIELDS, CONFIG_FIELD_NAMES, envName, fieldSources, flagName, type FieldSpec } from './fields.js';
import { checkConfigFile } from './check-file.js';

/** Reads a UTF-8 text file (injected: `(path) => fs.readFile(path, 'utf8')`). */
export type ReadTextFile = (path: string) => Promise<string>;

/** The environment variables the loader reads. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** parseArgs option definitions. */
export type OptionDefinitions = NonNullable<ParseArgsConfig['options']>;

/** Environment variable naming the config file when `--config` is absent. */
export const CONFIG_ENV = 'DEVICELOGIN_CONFIG';

/**
 * The flags that set configuration: `--config PATH` and one `--kebab-name VALUE` per field that
 * may come from the command line (never secrets). Commands that open the configured store (the
 * admin command) accept them too.
 */
export const CONFIG_OPTIONS: OptionDefinitions = Object.freeze({
  config: { type: 'string' },
  ...Object.fromEntries(
    CONFIG_FIELD_NAMES.filter((field) => fieldSources(CONFIG_FIELDS[field]) === 'all').map((field) => [
      flagName(field),
      { type: 'string' },
    ]),
  ),
} satisfies OptionDefinitions);

/** What {@link loadServerConfig} takes: every input is injected. */
export interface LoadServerConfigOptions {
  /** Command-line arguments after the script (`process.argv.slice(2)`). */
  readonly argv: readonly string[];
  readonly env: Environment;
  readonly readFile: ReadTextFile;
  /** `publicUrl` when no file, variable or flag sets it (the server: `http://HOST:PORT`). */
  readonly defaultPublicUrl: string;
  /** Flags the caller handles itself (for example `--https`): accepted here and ignored. */
  readonly extraOptions?: OptionDefinitions;
}

/** Configuration values already parsed from the command line, and the other sources. */
export interface ConfigSources {
  /** parseArgs values: `config` and the {@link CONFIG_OPTIONS} flags are read, others ignored. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Environment;
  readonly readFile: ReadTextFile;
  readonly defaultPublicUrl: string;
  /** A config file path given as the one positional argument (the server's historic form). */
  readonly positionalConfig?: string;
}

/**
 * Loads and validates the configuration: `--config PATH` (or the one positional argument, or
 * `DEVICELOGIN_CONFIG`) names a JSON file holding a `ServerConfig`; `DEVICELOGIN_*` variables and
 * flags override its scalar fields. See docs/configuration.md.
 *
 * @throws {ServerConfigError} naming the field, variable, flag or file at fault: an unknown key
 *   or a wrong type in the file, a malformed variable or flag, a password or secret passed as a
 *   flag (refused: the command line is visible to other users), or an invalid value.
 * @example
 * const config = await loadServerConfig({
 *   argv: process.argv.slice(2),
 *   env: process.env,
 *   readFile: (path) => readFile(path, 'utf8'),
 *   defaultPublicUrl: 'http://127.0.0.1:3000',
 * });
 */
export async function loadServerConfig(options: LoadServerConfigOptions): Promise<ServerConfig> {
  const refused = secretArgumentProblem(options.argv);
  if (refused !== undefined) throw new ServerConfigError(refused.flag, refused.problem);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...options.argv],
      options: { ...options.extraOptions, ...CONFIG_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new ServerConfigError('command line:', error instanceof Error ? error.message : String(error));
  }
  if (parsed.positionals.length > 1) {
    throw new ServerConfigError(
      'command line:',
      `takes one config file path at most (got ${parsed.positionals.length})`,
    );
  }
  return resolveConfigSources({
    flags: parsed.values,
    env: options.env,
    readFile: options.readFile,
    defaultPublicUrl: options.defaultPublicUrl,
    ...(parsed.positionals[0] === undefined ? {} : { positionalConfig: parsed.positionals[0] }),
  });
}

/**
 * Merges the sources (flags > environment > file > defaults) and validates the result; the
 * admin command calls it with the flags it parsed itself.
 * @throws {ServerConfigError} as {@link loadServerConfig}.
 */
export async function resolveConfigSources(sources: ConfigSources): Promise<ServerConfig> {
  const flagPath = sources.flags['config'];
  if (typeof flagPath === 'string' && sources.positionalConfig !== undefined) {
    throw new ServerConfigError('--config', 'and a positional config file path cannot both be given');
  }
  const envPath = nonEmpty(sources.env[CONFIG_ENV]);
  const path = typeof flagPath === 'string' ? flagPath : (sources.positionalConfig ?? envPath);
  const origins = new Map<string, string>();
  const merged: Record<string, unknown> = { publicUrl: sources.defaultPublicUrl };

  if (path !== undefined) {
    const fromFile = checkConfigFile(await readConfigFile(sources.readFile, path), path);
    for (const [field, value] of Object.entries(fromFile)) {
      merged[field] = value;
      origins.set(field, path);
    }
  }
  for (const field of CONFIG_FIELD_NAMES) {
    const spec = CONFIG_FIELDS[field];
    if (fieldSources(spec) === 'file') continue;
    const alias = spec.envAlias;
    const variable =
      alias !== undefined && nonEmpty(sources.env[envName(field)]) === undefined ? alias : envName(field);
    const fromEnv = nonEmpty(sources.env[variable]);
    if (fromEnv !== undefined) {
      merged[field] = fromText(field, spec, fromEnv, variable);
      origins.set(field, variable);
    }
    const flag = `--${flagName(field)}`;
    const fromFlag = fieldSources(spec) === 'all' ? sources.flags[flagName(field)] : undefined;
    if (typeof fromFlag === 'string') {
      if (fromFlag === '') throw new ServerConfigError(field, `must not be empty (${flag} "")`);
      merged[field] = fromText(field, spec, fromFlag, flag);
      origins.set(field, flag);
    }
  }
  try {
    return resolveServerConfig(merged as Partial<ServerConfig> & { publicUrl: string });
  } catch (error) {
    if (!(error instanceof ServerConfigError)) throw error;
    const origin = origins.get(error.field.split(/[.[]/)[0] ?? '');
    throw origin === undefined ? error : new ServerConfigError(error.field, `${error.problem} (set by ${origin})`);
  }
}

/** A flag that would put a password or secret on the command line, with why it is refused. */
export interface RefusedArgument {
  readonly flag: string;
  readonly problem: string;
}

/**
 * Finds a `--password…`/`--…-secret`-like flag (before any `--`). Such values are refused: the
 * command line is visible to every local user (`ps`, /proc/PID/cmdline) and kept in shell
 * history.
 */
export function secretArgumentProblem(argv: readonly string[]): RefusedArgument | undefined {
  for (const arg of argv) {
    if (arg === '--') return undefined;
    const flag = /^--?([^=]*)/.exec(arg)?.[0];
    if (flag === undefined || !/passw(or)?d|secret/i.test(flag)) continue;
    return {
      flag,
      problem:
        'is refused: secrets on the command line are visible to every local user (ps, /proc/PID/cmdline) ' +
        'and kept in shell history. Passwords are read from standard input or a prompt ' +
        `(devicelogin-admin users add / set-password) or from the config file; the cookie secret from ` +
        `${envName('cookieSecret')} or the config file.`,
    };
  }
  return undefined;
}

async function readConfigFile(readFile: ReadTextFile, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ServerConfigError(
      `config file ${path}`,
      `cannot be read (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ServerConfigError(`config file ${path}`, `is not valid JSON (${(error as Error).message})`);
  }
}

/** A value from a variable or flag, typed as the field. Never echoes a secret. */
function fromText(field: string, spec: FieldSpec, text: string, origin: string): unknown {
  const check = spec.check;
  switch (check.kind) {
    case 'integer':
      if (!/^\d+$/.test(text)) throw new ServerConfigError(field, `must be an integer (${origin} is "${text}")`);
      return Number(text);
    case 'enum':
      if (!check.values.includes(text)) {
        throw new ServerConfigError(field, `must be one of ${check.values.join(', ')} (${origin} is "${text}")`);
      }
      return text;
    case 'string-list':
      return text.split(/[\s,]+/).filter((part) => part !== '');
    case 'string':
      return text;
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new ServerConfigError(field, `must be true or false (${origin} is "${text}")`);
    case 'entries':
      throw new ServerConfigError(field, `cannot be set by ${origin}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
