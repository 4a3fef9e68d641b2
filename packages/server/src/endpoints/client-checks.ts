import type { ServerContext } from '../context.js';
import { OAuthError, oauthErrors } from '../errors.js';
import type { ClientRecord } from '../store/store.js';

/** Scopes every client may ask for. */
const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * The registered public client named by `client_id`.
 * @throws {OAuthError} invalid_request when absent, invalid_client when unknown.
 */
export async function requireClient(context: ServerContext, clientId: string | undefined): Promise<ClientRecord> {
  if (clientId === undefined || clientId === '')
    throw oauthErrors.invalidRequest("The request must contain 'client_id'.");
  const client = await context.store.findClient(clientId);
  if (client === undefined) throw oauthErrors.invalidClient(`Application '${clientId.slice(0, 64)}' was not found.`);
  return client;
}

/**
 * Checks the requested scopes against the client's allowed list (OIDC scopes always allowed;
 * `<audience>/.default` means every allowed API scope) and returns them normalised.
 * @throws {OAuthError} invalid_scope naming the first refused scope.
 */
export function checkScopes(client: ClientRecord, scope: string | undefined): string {
  const requested = [...new Set((scope ?? '').split(/\s+/).filter((s) => s !== ''))];
  if (requested.length === 0) throw new OAuthError(400, 'invalid_scope', "The request must contain 'scope'.");
  const allowed = new Set(client.allowedScopes.split(' ').filter((s) => s !== ''));
  for (const name of requested) {
    if (OIDC_SCOPES.has(name) || allowed.size === 0 || allowed.has(name) || name.endsWith('/.default')) continue;
    throw oauthErrors.invalidScope(`The scope '${name.slice(0, 100)}' is not allowed for this application.`);
  }
  return requested.join(' ');
}
