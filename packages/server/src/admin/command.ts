/**
 * The shape every admin command has (options type + parse + run), the ports it runs on, and the
 * output helpers: data to stdout (an aligned table, or JSON with `--json`), messages to stderr.
 */
import type { Clock } from '@devicelogin/protocol';
import type { ServerConfig } from '../config/defaults.js';
import type { Environment, OptionDefinitions, ReadTextFile } from '../config/load.js';
import type { Store } from '../store/store.js';
import { UsageError } from './errors.js';

/** Standard input: a stream, and on a terminal the means to turn echo off. */
export interface AdminStdin extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Where text goes (stdout, stderr). */
export interface TextSink {
  write(text: string): unknown;
}

/** Everything the admin command touches, injected (process globals only in main.ts). */
export interface AdminDeps {
  readonly stdin: AdminStdin;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: Environment;
  readonly readFile: ReadTextFile;
  readonly clock: Clock;
  /**
   * Opens the configured store (PostgreSQL at `config.databaseUrl` when set, else SQLite at
   * `sqlitePath`); the CLI closes it when the command ends.
   */
  readonly openStore: (sqlitePath: string, config: ServerConfig) => Store | Promise<Store>;
  /**
   * Whether a SQLite database file exists (`existsSync`): commands that only read refuse to
   * create one. Absent (a test handing in its own store): not checked.
   */
  readonly sqliteFileExists?: (path: string) => boolean;
}

/** What a command's `run` gets. */
export interface CommandContext {
  readonly config: ServerConfig;
  readonly store: Store;
  readonly stdin: AdminStdin;
  readonly stderr: TextSink;
  readonly clock: Clock;
  readonly out: Output;
}

/** Values parseArgs produced (strings, booleans). */
export type ParsedValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** One subcommand: its flags, help, and the two steps. */
export interface Command<Options> {
  /** `add`, `set-password`… */
  readonly name: string;
  readonly summary: string;
  /** Synopsis after `devicelogin-admin <group> <name>`. */
  readonly synopsis: string;
  /** Its own flags (the global and configuration flags come on top). */
  readonly options: OptionDefinitions;
  /**
   * The string flag one positional argument stands for (`users revoke <username>` = `--username`);
   * absent: no positional argument is accepted.
   */
  readonly positional?: string;
  /** `[flag, explanation]` lines for `--help`. */
  readonly optionHelp: readonly (readonly [string, string])[];
  readonly examples: readonly string[];
  /** Checks and types the flags. @throws {UsageError} */
  parse(values: ParsedValues): Options;
  run(options: Options, context: CommandContext): Promise<void>;
}

/** A command with its options type erased, for the registry. */
export interface AnyCommand extends Omit<Command<unknown>, 'parse' | 'run'> {
  execute(values: ParsedValues, context: () => Promise<CommandContext>): Promise<void>;
}

/** A command as defined: `parse` and `run` typed (tests call them), `execute` for the registry. */
export type DefinedCommand<Options> = Command<Options> & AnyCommand;

/** Registers a command: parse first (usage errors before the store opens), then run. */
export function defineCommand<Options>(command: Command<Options>): DefinedCommand<Options> {
  return {
    ...command,
    execute: async (values, context) => command.run(command.parse(values), await context()),
  };
}

/** A group of subcommands (`users`, `clients`…), one file each. */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly AnyCommand[];
}

/** A column of a listing: its header and how to read a row. */
export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
}

/** Data on stdout, messages on stderr. */
export interface Output {
  /** Rows as an aligned table, or with `--json` the objects themselves as a JSON array. */
  list<Row extends object>(rows: readonly Row[], columns: readonly Column<Row>[]): void;
  /** One object: JSON on stdout with `--json`, else one aligned `HEADER  value` line per column. */
  record<Row extends object>(row: Row, columns: readonly Column<Row>[]): void;
  /** The result of a change: JSON on stdout with `--json`, nothing otherwise. */
  result(value: object): void;
  /** A line for the person at the terminal, on stderr. */
  message(text: string): void;
}

/** The output helpers on a stdout and a stderr. */
export function createOutput(stdout: TextSink, stderr: TextSink, json: boolean): Output {
  return {
    list(rows, columns) {
      if (json) {
        stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => c.value(row)))];
      const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
      for (const line of cells) {
        stdout.write(
          `${line
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd()}\n`,
        );
      }
    },
    record(row, columns) {
      if (json) {
        stdout.write(`${JSON.stringify(row, null, 2)}\n`);
        return;
      }
      const width = Math.max(...columns.map((c) => c.header.length));
      for (const column of columns)
        stdout.write(`${`${column.header.padEnd(width)}  ${column.value(row)}`.trimEnd()}\n`);
    },
    result(value) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    message(text) {
      stderr.write(`${text}\n`);
    },
  };
}

/** A required string flag. @throws {UsageError} when absent or blank. */
export function requiredString(values: ParsedValues, flag: string, command: string): string {
  const value = optionalString(values, flag, command);
  if (value === undefined) throw new UsageError(`--${flag} is required`, command);
  return value;
}

/** An optional string flag; blank is refused. @throws {UsageError} */
export function optionalString(values: ParsedValues, flag: string, command: string): string | undefined {
  const value = values[flag];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${flag} needs a non-empty value`, command);
  }
  return value.trim();
}

/** An optional boolean flag with its `--no-` form. */
export function optionalBoolean(values: ParsedValues, flag: string): boolean | undefined {
  const value = values[flag];
  return typeof value === 'boolean' ? value : undefined;
}

/** ISO 8601 time of epoch milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
