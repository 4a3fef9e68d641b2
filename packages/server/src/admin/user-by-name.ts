/**
 * Finding a user by the name an administrator types, with or without its tenant (`users revoke`,
 * `approvals list --user`).
 */
import type { UserRecord } from '../store/store.js';
import { usernameKey } from '../store/username-key.js';
import type { CommandContext } from './command.js';
import { NotFoundError, UsageError } from './errors.js';

/**
 * The user named `username` (any letter case) in `tenant`, or in whichever tenant has one.
 * @throws {NotFoundError} when there is none.
 * @throws {UsageError} when several tenants have one and no tenant was given.
 */
export async function userByName(
  context: CommandContext,
  username: string,
  tenant: string | undefined,
  command: string,
): Promise<UserRecord> {
  if (tenant !== undefined) {
    const user = await context.store.findUser(tenant, username);
    if (user === undefined) throw new NotFoundError(`no user ${username} in tenant ${tenant}`);
    return user;
  }
  const key = usernameKey(username);
  const matches = (await context.store.listUsers()).filter((user) => usernameKey(user.username) === key);
  const [only, second] = matches;
  if (only === undefined) throw new NotFoundError(`no user ${username} in any tenant`);
  if (second !== undefined) {
    const tenants = matches.map((user) => user.tenant).join(', ');
    throw new UsageError(`${username} exists in several tenants (${tenants}): give --tenant`, command);
  }
  return only;
}
