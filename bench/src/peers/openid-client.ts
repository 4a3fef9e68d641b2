import { AUTHORITY, CLIENT_ID, type StartupPeer } from './peer.js';

/** panva's openid-client: a generic OAuth/OIDC client (its `discovery()` needs the network). */
export const peer: StartupPeer = {
  name: 'openid-client 6.9.0',
  work: 'import + new Configuration(static Entra metadata, clientId, undefined, None())',
  async start() {
    const { Configuration, None } = await import('openid-client');
    const server = {
      issuer: `${AUTHORITY}/v2.0`,
      device_authorization_endpoint: `${AUTHORITY}/oauth2/v2.0/devicecode`,
      token_endpoint: `${AUTHORITY}/oauth2/v2.0/token`,
    };
    return new Configuration(server, CLIENT_ID, undefined, None());
  },
};
