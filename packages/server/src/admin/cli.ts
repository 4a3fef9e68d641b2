/**
 * `devicelogin-admin <group> <command> [options]`: finds the command (groups load lazily), parses
 * its flags with the configuration flags, loads the configuration, opens the store it names, runs,
 * closes the store. The one error boundary: every error becomes a message on stderr (a stack
 * trace only with `--debug`) and an exit code (errors.ts).
 */
import { parseArgs } from 'node:util';
import { CONFIG_OPTIONS, resolveConfigSources, secretArgumentProblem } from '../config/load.js';
import type { Store } from '../store/store.js';
import { createOutput, type AdminDeps, type CommandContext, type CommandGroup, type ParsedValues } from './command.js';
import { AdminError, EXIT_CODES, UsageError, exitCodeFor, type ExitCode } from './errors.js';
import { GLOBAL_OPTIONS, PROGRAM, commandHelp, groupHelp, programHelp } from './help.js';

/** Commands that only read the store: they never create a database. */
const READ_ONLY: ReadonlySet<string> = new Set(['list', 'show']);

/** `publicUrl` when the configuration names none: the admin command never serves it. */
const ADMIN_PUBLIC_URL = 'http://127.0.0.1:3000';

/** The command groups, each loaded on first use. */
const GROUPS: Readonly<Record<string, () => Promise<CommandGroup>>> = {
  tenants: async () => (await import('./tenants.js')).tenantsGroup,
  users: async () => (await import('./users.js')).usersGroup,
  clients: async () => (await import('./clients.js')).clientsGroup,
  keys: async () => (await import('./keys.js')).keysGroup,
  approvals: async () => (await import('./approvals.js')).approvalsGroup,
};

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';

/**
 * Runs one admin command line (`argv` without node and the script) and returns its exit code;
 * never throws.
 * @example
 * process.exitCode = await runAdmin(process.argv.slice(2), deps);
 */
export async function runAdmin(argv: readonly string[], deps: AdminDeps): Promise<ExitCode> {
  try {
    await dispatch(argv, deps);
    return EXIT_CODES.ok;
  } catch (error) {
    report(error, deps, argv.includes('--debug'));
    return exitCodeFor(error);
  }
}

async function dispatch(argv: readonly string[], deps: AdminDeps): Promise<void> {
  const [groupName, commandName, ...rest] = argv;
  if (groupName === undefined || groupName.startsWith('-')) {
    if (isHelp(groupName)) return void deps.stdout.write(programHelp(await allGroups()));
    throw new UsageError(groupName === undefined ? 'a command is required' : `unknown option ${groupName}`);
  }
  const load = Object.hasOwn(GROUPS, groupName) ? GROUPS[groupName] : undefined;
  if (load === undefined) {
    throw new UsageError(`unknown command "${groupName}" (commands: ${Object.keys(GROUPS).join(', ')})`);
  }
  const group = await load();
  const names = group.commands.map((c) => c.name).join(', ');
  if (commandName === undefined || commandName.startsWith('-')) {
    if (isHelp(commandName)) return void deps.stdout.write(groupHelp(group));
    throw new UsageError(`"${group.name}" needs a command: ${names}`, group.name);
  }
  const command = group.commands.find((c) => c.name === commandName);
  if (command === undefined) {
    throw new UsageError(
      `unknown command "${group.name} ${commandName}" (${group.name} commands: ${names})`,
      group.name,
    );
  }
  const path = `${group.name} ${command.name}`;
  const refused = secretArgumentProblem(rest);
  if (refused !== undefined) throw new UsageError(`${refused.flag} ${refused.problem}`, path);

  let values: ParsedValues;
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...CONFIG_OPTIONS, ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: command.positional !== undefined,
      allowNegative: true,
    });
    values = withPositional(parsed.values, parsed.positionals, command.positional, path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error), path);
  }
  if (values['help'] === true) return void deps.stdout.write(commandHelp(group, command));

  let store: Store | undefined;
  try {
    await command.execute(values, async (): Promise<CommandContext> => {
      const config = await resolveConfigSources({
        flags: values,
        env: deps.env,
        readFile: deps.readFile,
        defaultPublicUrl: ADMIN_PUBLIC_URL,
      });
      const out = createOutput(deps.stdout, deps.stderr, values['json'] === true);
      // Never the connection string in a message: it may hold a password.
      const sqlite = config.databaseUrl === undefined;
      const where = sqlite ? config.sqlitePath : 'PostgreSQL (databaseUrl)';
      if (sqlite && config.sqlitePath === ':memory:') {
        out.message('Note: sqlitePath is :memory:, nothing will be kept.');
      }
      // A command that only reads (list, show) must not create an empty database and report
      // "nothing found" when it was simply pointed at the wrong place.
      const exists = deps.sqliteFileExists;
      if (
        sqlite &&
        READ_ONLY.has(command.name) &&
        config.sqlitePath !== ':memory:' &&
        exists?.(config.sqlitePath) === false
      ) {
        throw new AdminError(
          `there is no database at ${config.sqlitePath}: point at the server's, with the server's --config, ` +
            'DEVICELOGIN_CONFIG or --sqlite-path (the demo: --sqlite-path .devicelogin/demo.sqlite)',
          EXIT_CODES.config,
        );
      }
      try {
        store = await deps.openStore(config.sqlitePath, config);
      } catch (error) {
        throw new Error(`cannot open the store ${where}: ${(error as Error).message}`, { cause: error });
      }
      const applied = (store as { migrationsApplied?: readonly number[] }).migrationsApplied;
      if (applied?.includes(1) === true && (!sqlite || config.sqlitePath !== ':memory:')) {
        out.message(sqlite ? `Note: created a new database at ${where}.` : `Note: created the schema in ${where}.`);
      }
      return { config, store, stdin: deps.stdin, stderr: deps.stderr, clock: deps.clock, out };
    });
  } finally {
    await store?.close();
  }
}

/** The values with a command's one positional argument as the flag it stands for. */
function withPositional(
  values: ParsedValues,
  positionals: readonly string[],
  flag: string | undefined,
  path: string,
): ParsedValues {
  if (flag === undefined || positionals.length === 0) return values;
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`, path);
  if (values[flag] !== undefined) throw new UsageError(`give the ${flag} once: as an argument or --${flag}`, path);
  return { ...values, [flag]: positionals[0] };
}

async function allGroups(): Promise<CommandGroup[]> {
  return Promise.all(Object.values(GROUPS).map((load) => load()));
}

/** The boundary's one line (plus a pointer to --help for usage errors, a stack with --debug). */
function report(error: unknown, deps: AdminDeps, debug: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  deps.stderr.write(`${PROGRAM}: ${message}\n`);
  if (error instanceof UsageError) {
    const target = error.command === undefined ? '' : ` ${error.command}`;
    deps.stderr.write(`Run '${PROGRAM}${target} --help' for usage.\n`);
  }
  if (debug && error instanceof Error && error.stack !== undefined) deps.stderr.write(`${error.stack}\n`);
}
