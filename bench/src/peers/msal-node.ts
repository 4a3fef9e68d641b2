import { AUTHORITY, CLIENT_ID, type StartupPeer } from './peer.js';

/** Microsoft's MSAL for Node, the API ours follows. */
export const peer: StartupPeer = {
  name: '@azure/msal-node 7.2.3',
  work: 'import + new PublicClientApplication({ auth: { clientId, authority } })',
  async start() {
    const { PublicClientApplication } = await import('@azure/msal-node');
    return new PublicClientApplication({ auth: { clientId: CLIENT_ID, authority: AUTHORITY } });
  },
};
