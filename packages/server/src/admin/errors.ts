/**
 * What can go wrong in `devicelogin-admin`, and the exit code of each: the one error boundary
 * (cli.ts) maps any thrown error to a code with {@link exitCodeFor}. Documented in docs/server.md.
 */
import { ServerConfigError } from '../config/defaults.js';

/** Exit codes of `devicelogin-admin`. */
export const EXIT_CODES = {
  /** Done. */
  ok: 0,
  /** Runtime failure: the store could not be opened or written, an unexpected error. */
  runtime: 1,
  /** Usage: unknown command or flag, missing or malformed option, a password given as a flag. */
  usage: 2,
  /** Configuration: unreadable config file, unknown key, wrong type, invalid value. */
  config: 3,
  /** The user, client or approval named does not exist. */
  notFound: 4,
  /** The user or client to add already exists. */
  conflict: 5,
  /** Interrupted at the password prompt (Ctrl-C), as shells report SIGINT. */
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Base of the errors the admin command raises on purpose; carries its exit code. */
export class AdminError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** The command line is wrong; the message is followed by a pointer to `--help`. */
export class UsageError extends AdminError {
  /** The command whose help to point at (`users add`), when known. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message, EXIT_CODES.usage);
    this.command = command;
  }
}

/** The user, client or approval named does not exist. */
export class NotFoundError extends AdminError {
  constructor(message: string) {
    super(message, EXIT_CODES.notFound);
  }
}

/** The user or client to add exists already. */
export class ConflictError extends AdminError {
  constructor(message: string) {
    super(message, EXIT_CODES.conflict);
  }
}

/** The person at the prompt pressed Ctrl-C. */
export class InterruptedError extends AdminError {
  constructor() {
    super('interrupted', EXIT_CODES.interrupted);
  }
}

/** The exit code for any error reaching the boundary. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof AdminError) return error.exitCode;
  if (error instanceof ServerConfigError) return EXIT_CODES.config;
  return EXIT_CODES.runtime;
}
