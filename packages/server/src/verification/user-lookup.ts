import type { ServerContext } from '../context.js';
import type { UserRecord } from '../store/store.js';

/**
 * The account a person signs in with for a code requested under `tenant`. Under `common` (as
 * with Entra's multi-tenant authority) the user's home tenant is not known in advance: the
 * configured tenants are searched in order and the first match wins, so usernames should be
 * unique across tenants (they are e-mail-like, `user@tenant-domain`).
 */
export async function findSigningUser(
  context: ServerContext,
  tenant: string,
  username: string,
): Promise<UserRecord | undefined> {
  if (tenant !== 'common') return context.store.findUser(tenant, username);
  for (const candidate of context.config.tenants) {
    if (candidate === 'common') continue;
    const user = await context.store.findUser(candidate, username);
    if (user !== undefined) return user;
  }
  return undefined;
}
