import { AUTHORITY, CLIENT_ID, type StartupPeer } from './peer.js';

/** Ours: `@devicelogin/client` from the workspace (packages/client/dist, built first). */
export const peer: StartupPeer = {
  name: '@devicelogin/client 0.1.0',
  work: 'import + new PublicClientApplication({ auth: { clientId, authority } })',
  async start() {
    const { PublicClientApplication } = await import('@devicelogin/client');
    return new PublicClientApplication({ auth: { clientId: CLIENT_ID, authority: AUTHORITY } });
  },
};
