/**
 * Error handling: every error the client raises is a ClientError with a stable `code`; the
 * switch below is exhaustive over ClientErrorCode (the compiler and the linter check it).
 */
import {
  isClientError,
  type AuthenticationResult,
  type ClientError,
  type PublicClientApplication,
} from '@devicelogin/client';

/** A message for the person at the terminal. */
export function describe(error: ClientError): string {
  switch (error.code) {
    case 'authorization_declined':
      return 'The sign-in was declined on the verification page.';
    case 'device_code_expired':
      return 'The code expired before the sign-in was completed. Run the command again.';
    case 'bad_verification_code':
      return 'The server no longer knows this sign-in. Run the command again.';
    case 'cancelled':
      return 'Cancelled.';
    case 'timeout':
      return `No sign-in within ${error.timeoutMs / 1000} s.`;
    case 'interaction_required':
      return 'You must sign in again.';
    case 'flow_not_enabled':
      return error.hint; // what to change at the provider
    case 'server_error':
      return error.hint === undefined ? error.message : `${error.message}\n${error.hint}`;
    case 'network_error':
      return `Cannot reach ${error.endpoint}. Check the network, HTTPS_PROXY and NO_PROXY.`;
    case 'request_timeout':
      return `${error.endpoint} did not answer within ${error.timeoutMs} ms.`;
    case 'invalid_response':
      return `The server sent an invalid response (${error.field}).`;
    case 'invalid_id_token':
      return `The id_token was rejected (${error.reason}). Check the system clock and the authority.`;
    case 'configuration_error':
      return `Configuration: ${error.message}`; // error.option names the setting
    case 'invalid_flow':
      return `The stored sign-in is unusable (${error.field}). Run the command again.`;
    // Token cache errors: only with a file persistence (cache.persistence).
    case 'cache_lock_timeout':
      return `The token cache is busy (${error.lockPath}). Try again.`;
    case 'keyring_unavailable':
      return error.hint;
    case 'cache_io_error':
      return `Cannot use the token cache at ${error.path}: ${error.message}`;
    // DPoP (auth.dpop): the server refused its own nonce; a bound token lost its key.
    case 'dpop_nonce_rejected':
      return `${error.endpoint} keeps asking for a new DPoP nonce. Try again later.`;
    case 'dpop_key_unavailable':
      return 'The DPoP key of this token is gone. Get a new token or sign in again.';
    default: {
      const unreachable: never = error;
      return unreachable;
    }
  }
}

/** Signs in, starting over once if the code expired; other errors go to the caller. */
export async function signIn(app: PublicClientApplication): Promise<AuthenticationResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await app.acquireTokenByDeviceCode({
        scopes: ['User.Read'],
        onDeviceCode: (info) => {
          console.error(info.message);
        },
      });
    } catch (error) {
      // Errors thrown by onDeviceCode itself are passed through unchanged: not ClientErrors.
      if (!isClientError(error)) throw error;
      if (error.code === 'device_code_expired' && attempt === 1) continue;
      console.error(describe(error));
      if ('server' in error && error.server !== undefined) {
        // Entra support asks for these; they contain no token, code or secret.
        const { error: oauthError, errorCodes, traceId, correlationId, timestamp } = error.server;
        console.error({ oauthError, errorCodes, traceId, correlationId, timestamp });
      }
      throw error;
    }
  }
}
