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
  requireAllowedScopes(client, requested);
  return requested.join(' ');
}

/**
 * Per-client policy at the token endpoint: the client's current record must still allow every
 * scope about to be issued (an operator may have narrowed `allowedScopes` since the code was
 * requested or the session started).
 * @throws {OAuthError} invalid_scope naming the first scope no longer allowed.
 */
export function requireAllowedScopes(client: ClientRecord, scopes: readonly string[]): void {
  const allowed = new Set(client.allowedScopes.split(' ').filter((s) => s !== ''));
  for (const name of scopes) {
    if (OIDC_SCOPES.has(name) || allowed.size === 0 || allowed.has(name) || name.endsWith('/.default')) continue;
    throw oauthErrors.invalidScope(`The scope '${name.slice(0, 100)}' is not allowed for this application.`);
  }
}

/**
 * Entra's number for "this app registration does not allow public client flows" (its per-app
 * switch for the device code flow), sent in the Entra dialect with `unauthorized_client`.
 */
export const AADSTS_DEVICE_FLOW_DISABLED = 7000218;

/**
 * Per-client policy: the device code grant must be on for `client`. Checked when a code is
 * requested, when an approved code is redeemed (a code issued before the switch went off gets
 * no tokens), and when a session it started is refreshed (as Entra's protocol tracking does).
 * @throws {OAuthError} unauthorized_client (Entra dialect: AADSTS7000218).
 */
export function requireDeviceGrant(client: ClientRecord): void {
  if (client.deviceGrantEnabled) return;
  throw new OAuthError(400, 'unauthorized_client', 'The device code flow is disabled for this application.', {
    aadsts: AADSTS_DEVICE_FLOW_DISABLED,
  });
}
