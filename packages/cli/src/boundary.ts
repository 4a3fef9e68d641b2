import type { ClientError, ClientErrorCode } from '@devicelogin/client';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { styleFor } from './render/style.js';
import { printable } from './render/printable.js';

/** What the user reads when a command fails, and the exit code. */
export interface Failure {
  readonly message: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
}

const CLIENT_CODES: ReadonlySet<string> = new Set<ClientErrorCode>([
  'authorization_declined',
  'device_code_expired',
  'bad_verification_code',
  'cancelled',
  'timeout',
  'interaction_required',
  'flow_not_enabled',
  'server_error',
  'network_error',
  'request_timeout',
  'invalid_response',
  'invalid_id_token',
  'configuration_error',
  'invalid_flow',
  'cache_lock_timeout',
  'keyring_unavailable',
  'cache_io_error',
  'dpop_nonce_rejected',
  'dpop_key_unavailable',
]);

/** A client error, recognised by its stable `code` (the client module may not be loaded). */
function asClientError(error: unknown): ClientError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && CLIENT_CODES.has(code) ? (error as ClientError) : undefined;
}

const INVALID_SCOPE_HINT =
  'Pass the scopes this app may request: --scopes "openid profile offline_access <API scopes>" ' +
  '(or in the profile: devicelogin config set --profile P scopes "…").';

const NETWORK_HINT = 'Check the network connection and the HTTPS_PROXY / NO_PROXY variables, then try again.';

function fromClientError(error: ClientError): Failure {
  const fail = (exitCode: ExitCode, message: string, hint?: string): Failure => ({ message, hint, exitCode });
  switch (error.code) {
    case 'authorization_declined':
      return fail(EXIT.signInFailed, 'The sign-in was declined on the verification page.');
    case 'device_code_expired':
      return fail(
        EXIT.signInFailed,
        'The code expired before the sign-in was completed.',
        'Run the command again for a new code.',
      );
    case 'bad_verification_code':
      return fail(EXIT.signInFailed, 'The server no longer knows this sign-in.', 'Run the command again.');
    case 'timeout':
      return fail(
        EXIT.signInFailed,
        `No sign-in within ${Math.round(error.timeoutMs / 1000)} s.`,
        'Run the command again.',
      );
    case 'cancelled':
      return fail(EXIT.cancelled, 'Cancelled.');
    case 'interaction_required':
      return fail(EXIT.interactionRequired, `A sign-in is needed: ${error.message}`, 'Sign in with: devicelogin login');
    case 'flow_not_enabled':
      return fail(EXIT.error, error.message, error.hint);
    case 'server_error':
      // A client whose policy requires DPoP (RFC 9449) refuses tokens to requests without a proof.
      if (error.server?.error === 'invalid_dpop_proof' && error.hint === undefined) {
        return fail(
          EXIT.error,
          error.message,
          'This application requires DPoP: add --dpop (or: devicelogin config set --profile P dpop true).',
        );
      }
      // The scopes asked for are missing, unknown or not allowed for this app (RFC 6749 §5.2).
      if (error.server?.error === 'invalid_scope' && error.hint === undefined) {
        return fail(EXIT.error, error.message, INVALID_SCOPE_HINT);
      }
      return fail(EXIT.error, error.message, error.hint);
    case 'network_error':
    case 'request_timeout':
      return fail(EXIT.network, error.message, NETWORK_HINT);
    case 'invalid_response':
      return fail(EXIT.error, error.message, 'The server (or a proxy in between) sent something unexpected.');
    case 'invalid_id_token':
      return fail(EXIT.error, error.message, "Check this machine's clock and the authority URL.");
    case 'configuration_error':
      return fail(
        EXIT.usage,
        error.message,
        'Check the flags, DEVICELOGIN_* variables and the profile (devicelogin config list).',
      );
    case 'invalid_flow':
      return fail(EXIT.error, error.message, 'Run the command again.');
    case 'cache_lock_timeout':
      return fail(EXIT.storage, error.message, 'Another devicelogin process holds the token cache; try again.');
    case 'keyring_unavailable':
      return fail(EXIT.storage, 'No OS keyring is available to protect the token cache.', error.hint);
    case 'cache_io_error':
      return fail(EXIT.storage, error.message, 'Fix the permissions or free space at that path.');
    case 'dpop_nonce_rejected':
      return fail(EXIT.error, error.message, 'The server does not accept its own DPoP nonces; try again later.');
    case 'dpop_key_unavailable':
      return fail(EXIT.interactionRequired, error.message, 'Sign in with: devicelogin login --dpop');
    default: {
      const unreachable: never = error;
      return unreachable;
    }
  }
}

/**
 * The CLI's one error boundary: maps any thrown value to a message, a hint and an exit code.
 * Ctrl+C wins over whatever error the abort produced.
 */
export function describeFailure(error: unknown, signal?: AbortSignal): Failure {
  if (signal?.aborted === true) return { message: 'Cancelled.', hint: undefined, exitCode: EXIT.cancelled };
  if (error instanceof CliError) return { message: error.message, hint: error.hint, exitCode: error.exitCode };
  const clientError = asClientError(error);
  if (clientError !== undefined) return fromClientError(clientError);
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Unexpected error: ${message}`, hint: 'Run again with --debug for details.', exitCode: EXIT.error };
}

function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : JSON.stringify(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}

/** Prints the failure on stderr (`error: …`, then the hint; the stack only with `debug`) and returns its exit code. */
export function reportFailure(error: unknown, context: CliContext, debug: boolean): ExitCode {
  const failure = describeFailure(error, context.signal);
  const style = styleFor(context.io.stderrIsTTY, context.env);
  const { stderr } = context.io;
  if (failure.exitCode === EXIT.cancelled) {
    stderr.write(`\n${failure.message}\n`);
  } else {
    // Messages may quote a server's answer: printed without its control characters.
    stderr.write(`${style.red('error:')} ${printable(failure.message)}\n`);
    if (failure.hint !== undefined) stderr.write(`${printable(failure.hint)}\n`);
  }
  if (debug) stderr.write(`${style.dim(printable(stackOf(error)))}\n`);
  return failure.exitCode;
}
