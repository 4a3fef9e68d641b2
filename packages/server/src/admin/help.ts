/**
 * `--help` texts of `devicelogin-admin`, built from the command definitions: the tool, a group,
 * a command (synopsis, options, common options, examples).
 */
import { CONFIG_ENV } from '../config/load.js';
import type { AnyCommand, CommandGroup } from './command.js';
import { EXIT_CODES } from './errors.js';

/** The program name in messages and help. */
export const PROGRAM = 'devicelogin-admin';

/** Flags every command takes, besides the configuration flags. */
export const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMON_HELP: readonly (readonly [string, string])[] = [
  ['--config <path>', `server config file (or ${CONFIG_ENV}); the store is its databaseUrl, else its sqlitePath`],
  ['--sqlite-path <path>', 'the SQLite database, overriding the file (or DEVICELOGIN_SQLITE_PATH)'],
  ['--tenants "<name> …"', 'tenants, overriding the file; every server flag is accepted (docs/configuration.md)'],
  ['--json', 'machine-readable output on stdout'],
  ['--debug', 'stack traces on errors'],
  ['-h, --help', 'this help'],
];

function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function exitCodes(): string[] {
  const meaning: Record<keyof typeof EXIT_CODES, string> = {
    ok: 'done',
    runtime: 'runtime failure (store, unexpected error)',
    usage: 'usage error (command, flag, missing option, password given as a flag)',
    config: 'invalid configuration',
    notFound: 'no such user, client or approval',
    conflict: 'the user or client exists already',
    interrupted: 'interrupted at the password prompt',
  };
  return columns(
    (Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[]).map((key) => [String(EXIT_CODES[key]), meaning[key]]),
  );
}

/** `devicelogin-admin --help`. */
export function programHelp(groups: readonly CommandGroup[]): string {
  return [
    `Usage: ${PROGRAM} <group> <command> [options]`,
    '',
    "Manages the authorization server's store: users, clients, signing keys, approvals (and their",
    'revocation). Data goes to stdout (--json for JSON), messages to stderr. Passwords are read from',
    'standard input or prompted.',
    '',
    'Commands:',
    ...columns(
      groups.flatMap((group) => group.commands.map((c): [string, string] => [`${group.name} ${c.name}`, c.summary])),
    ),
    '',
    'Common options:',
    ...columns(COMMON_HELP),
    '',
    'Exit codes:',
    ...exitCodes(),
    '',
    `Run '${PROGRAM} <group> <command> --help' for a command's options and examples.`,
    '',
  ].join('\n');
}

/** `devicelogin-admin users --help`. */
export function groupHelp(group: CommandGroup): string {
  return [
    `Usage: ${PROGRAM} ${group.name} <command> [options]`,
    '',
    `${group.summary[0]?.toUpperCase() ?? ''}${group.summary.slice(1)}.`,
    '',
    'Commands:',
    ...columns(group.commands.map((c): [string, string] => [c.name, c.summary])),
    '',
    `Run '${PROGRAM} ${group.name} <command> --help' for its options and examples.`,
    '',
  ].join('\n');
}

/** `devicelogin-admin users add --help`. */
export function commandHelp(group: CommandGroup, command: AnyCommand): string {
  const synopsis = [PROGRAM, group.name, command.name, command.synopsis, '[options]'].filter((s) => s !== '');
  return [
    `Usage: ${synopsis.join(' ')}`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
    '',
    ...(command.optionHelp.length === 0 ? [] : ['Options:', ...columns(command.optionHelp), '']),
    'Common options:',
    ...columns(COMMON_HELP),
    '',
    'Examples:',
    ...command.examples.map((example) => `  $ ${example}`),
    '',
  ].join('\n');
}
