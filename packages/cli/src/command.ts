import type { CliContext } from './context.js';
import type { ExitCode } from './exit-codes.js';

/**
 * One command (cli/cli's shape): `parse` turns arguments into options (pure; throws
 * `UsageError`), `run` does the work with a context and returns the exit code. Tests call the
 * two halves separately.
 */
export interface Command<O> {
  /** `--help` text: usage, options, examples. */
  readonly help: string;
  parse(args: readonly string[]): O;
  run(options: O, context: CliContext): Promise<ExitCode>;
}

/** A command with its options type hidden, as main.ts sees it. */
export interface RunnableCommand {
  readonly help: string;
  execute(args: readonly string[], context: CliContext): Promise<ExitCode>;
}

/** Wraps a {@link Command} for main.ts. */
export function runnable<O>(command: Command<O>): RunnableCommand {
  return { help: command.help, execute: (args, context) => command.run(command.parse(args), context) };
}
