import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * An error the CLI raises itself, with what the user should read and the exit code. The error
 * boundary (boundary.ts) prints `message` and `hint`; no stack trace unless `--debug`.
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  /** What to do about it, shown on its own line. */
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode, hint?: string, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A wrong command line or configuration value: exit code 2, with the command's usage as hint. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/**
 * No client id in the flags, `DEVICELOGIN_CLIENT_ID` or the profile: no app is configured (exit
 * code 2). `logout` without app options takes it to mean "sign out on this machine only"; any
 * other {@link UsageError} (an invalid variable or profile) stops it as it stops `token`.
 */
export class NoClientIdError extends UsageError {}

/**
 * No usable account: the user must sign in (`devicelogin login`). Exit code 4. Raised by the
 * commands that never prompt (token, api, kubectl-credential, git-credential) when they would
 * have to.
 */
export class SignInNeededError extends CliError {
  override readonly name = 'SignInNeededError';
  constructor(message: string, hint: string) {
    super(message, EXIT.interactionRequired, hint);
  }
}
