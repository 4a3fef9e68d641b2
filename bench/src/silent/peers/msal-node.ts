import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PublicClientApplication,
  type ICachePlugin,
  type INetworkModule,
  type TokenCacheContext,
} from '@azure/msal-node';
import { authorityMetadata, cloudDiscoveryMetadata } from '../entra-metadata.js';
import type { GeneratedCache } from '../generate-cache.js';
import { forbiddenNetwork, measuredCalls, type CacheMode, type SilentPeer, type SilentPeerFactory } from './peer.js';

/**
 * The file cache plugin of msal-node's documentation and samples: read the whole file and
 * `deserialize` it before every cache access, `serialize` and write it back after one that
 * changed the cache.
 */
function fileCachePlugin(path: string): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      context.tokenCache.deserialize(await readFile(path, 'utf8'));
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (context.cacheHasChanged) await writeFile(path, context.tokenCache.serialize());
    },
  };
}

/**
 * Microsoft's MSAL for Node, the API ours follows. Authority and cloud discovery metadata are
 * given as configuration (what Entra serves for the tenant), and its network client throws, so
 * that a cache hit is all that is measured.
 */
export const createPeer: SilentPeerFactory = (mode: CacheMode, directory: string): SilentPeer => {
  const calls = measuredCalls((app: PublicClientApplication) => app.getAllAccounts());
  const network = forbiddenNetwork();
  const path = join(directory, 'msal-cache.json');
  const networkClient: INetworkModule = {
    sendGetRequestAsync: (url) => network.refuse(url),
    sendPostRequestAsync: (url) => network.refuse(url),
  };

  return {
    name: '@azure/msal-node 7.2.3',
    setup:
      mode === 'memory'
        ? 'new PublicClientApplication({ auth: { …, authorityMetadata, cloudDiscoveryMetadata } }) + getTokenCache().deserialize(json)'
        : 'cache: { cachePlugin } — the documented file plugin (read + deserialize before, serialize + write after a change)',
    async load(cache: GeneratedCache) {
      const auth = {
        clientId: cache.clientId,
        authority: cache.authority,
        authorityMetadata: authorityMetadata(cache.tenantId),
        cloudDiscoveryMetadata: cloudDiscoveryMetadata(cache.tenantId),
      };
      let app: PublicClientApplication;
      if (mode === 'memory') {
        app = new PublicClientApplication({ auth, system: { networkClient } });
        app.getTokenCache().deserialize(cache.text);
      } else {
        await writeFile(path, cache.text, { mode: 0o600 });
        app = new PublicClientApplication({
          auth,
          system: { networkClient },
          cache: { cachePlugin: fileCachePlugin(path) },
        });
      }
      calls.loaded(app, cache);
    },
    silent: calls.silent,
    accounts: calls.accounts,
    networkAttempts: network.attempts,
  };
};
