import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  createFilePersistence,
  PublicClientApplication,
  staticKeyProvider,
  type CachePersistence,
  type FetchLike,
} from '@devicelogin/client';
import { parseDocument, type GeneratedCache } from '../generate-cache.js';
import { forbiddenNetwork, measuredCalls, type CacheMode, type SilentPeer, type SilentPeerFactory } from './peer.js';

/**
 * Ours: `@devicelogin/client` from the workspace (the bundle in packages/client/dist). In memory
 * it is given the document with `getTokenCache().deserialize()`; with persistence the document
 * is written first through the file persistence's own `update()` (AES-256-GCM, a static key),
 * and the client reads it on its first call.
 */
export const createPeer: SilentPeerFactory = (mode: CacheMode, directory: string): SilentPeer => {
  const calls = measuredCalls((app: PublicClientApplication) => app.getAccounts());
  const network = forbiddenNetwork();
  const key = randomBytes(32);
  const path = join(directory, 'devicelogin-cache.json');
  const fetch: FetchLike = (input) => network.refuse(String(input));
  const persistence = (): CachePersistence =>
    createFilePersistence({ path, encryption: { keyProvider: staticKeyProvider(key) } });

  return {
    name: '@devicelogin/client 0.1.0',
    setup:
      mode === 'memory'
        ? 'new PublicClientApplication({ auth }) + getTokenCache().deserialize(json)'
        : 'cache: { persistence: createFilePersistence({ path, encryption: { keyProvider: staticKeyProvider(32 bytes) } }) }',
    async load(cache: GeneratedCache) {
      const auth = { clientId: cache.clientId, authority: cache.authority };
      let app: PublicClientApplication;
      if (mode === 'memory') {
        app = new PublicClientApplication({ auth, system: { fetch } });
        app.getTokenCache().deserialize(cache.text);
      } else {
        const document = parseDocument(cache);
        await persistence().update(() => document);
        app = new PublicClientApplication({ auth, system: { fetch }, cache: { persistence: persistence() } });
      }
      calls.loaded(app, cache);
    },
    silent: calls.silent,
    accounts: calls.accounts,
    networkAttempts: network.attempts,
  };
};
