import { reportFailure } from './boundary.js';
import { COMMANDS } from './commands/registry.js';
import type { CliContext } from './context.js';
import { UsageError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { GENERAL_HELP, VERSION } from './help.js';

/** Global flags, accepted anywhere before `--`. */
interface Globals {
  readonly debug: boolean;
  readonly help: boolean;
  readonly rest: readonly string[];
}

function takeGlobals(argv: readonly string[]): Globals {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);
  const isHelp = (arg: string) => arg === '--help' || arg === '-h';
  return {
    debug: head.includes('--debug') || head.includes('--verbose'),
    help: head.some(isHelp),
    rest: [...head.filter((arg) => arg !== '--debug' && arg !== '--verbose' && !isHelp(arg)), ...tail],
  };
}

/**
 * Runs `devicelogin <argv>`: global flags (`--help`, `--debug`, `--version`), then the command,
 * loaded lazily, inside the one error boundary. Returns the exit code; never throws.
 */
export async function main(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const { debug, help, rest } = takeGlobals(argv);
  try {
    const [name, ...args] = rest;
    if (name === '--version' || name === 'version') {
      context.io.stdout.write(`devicelogin ${VERSION}\n`);
      return EXIT.ok;
    }
    if (name === undefined || (name === 'help' && args[0] === undefined)) {
      context.io.stdout.write(`${GENERAL_HELP}\n`);
      return name === undefined && !help ? EXIT.usage : EXIT.ok;
    }
    const commandName = name === 'help' ? (args[0] ?? '') : name;
    const entry = Object.hasOwn(COMMANDS, commandName) ? COMMANDS[commandName] : undefined;
    if (entry === undefined) {
      throw new UsageError(`Unknown command "${commandName}".`, 'See: devicelogin --help');
    }
    const command = await entry.load();
    if (help || name === 'help') {
      context.io.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    }
    return await command.execute(args, context);
  } catch (error) {
    return reportFailure(error, context, debug);
  }
}
