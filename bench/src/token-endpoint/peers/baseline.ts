import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEVICE_CODE_GRANT_TYPE, type TokenPeer } from './peer.js';

/** The fixed answer: what a pending poll looks like, without any work behind it. */
const BODY = JSON.stringify({
  error: 'authorization_pending',
  error_description: 'The user has not finished signing in yet.',
});

/**
 * The floor: a bare `node:http` server that reads the request body and answers the same fixed
 * 400 JSON to everything. No framework, no parsing, no store.
 */
export const peer: TokenPeer = {
  name: `baseline (node:http ${process.version})`,
  setup: 'bare node:http, reads the body, answers a fixed 400 JSON; the codes polled are random strings',
  tokenPath: '/token',
  deviceAuthorizationPath: undefined,
  deviceAuthorizationForm: () => ({}),
  tokenForm: (deviceCode, clientId) => ({
    grant_type: DEVICE_CODE_GRANT_TYPE,
    client_id: clientId,
    device_code: deviceCode,
  }),
  async start() {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(400, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'content-length': Buffer.byteLength(BODY),
        });
        response.end(BODY);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return {
      origin: `http://127.0.0.1:${port}`,
      fill: () => Promise.reject(new Error('the baseline holds no codes')),
      files: () => Promise.resolve({}),
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  },
};
