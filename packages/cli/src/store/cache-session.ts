import type { PublicClientApplication } from '@devicelogin/client';
import { tokenCachePath } from '../config/paths.js';
import type { CliContext, ClientModule } from '../context.js';
import { keyringPolicy, loadConfig } from '../session.js';
import { openTokenStorage, type TokenStorage } from './storage.js';

/** The token cache opened for commands that act on every account (accounts, logout, status). */
export interface CacheSession {
  /**
   * A client over the cache. Its app settings are placeholders: cache reads and account removal
   * send no request and do not depend on them.
   */
  readonly app: PublicClientApplication;
  readonly storage: TokenStorage;
  readonly client: ClientModule;
}

/** Opens the token cache without resolving a target app (never creates the file). */
export async function openCache(context: CliContext): Promise<CacheSession> {
  const config = await loadConfig(context);
  const client = await context.loadClient();
  const storage = await openTokenStorage(context, client, {
    path: tokenCachePath(context.env, context.homeDir),
    keyring: keyringPolicy(context, config),
    write: false,
  });
  const app = new client.PublicClientApplication({
    auth: { clientId: 'devicelogin-cli', authority: 'http://127.0.0.1', provider: 'generic' },
    cache: storage.persistence === undefined ? {} : { persistence: storage.persistence },
  });
  return { app, storage, client };
}
