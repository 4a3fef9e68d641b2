import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { ensureLocalCertificates, tenantId, type LocalCertificates } from '@devicelogin/server';
import { CLIENT_ID, USER, startTestServer, type TestServer } from '../support/test-server.js';
import { runMsalChild } from './msal-child.js';

// THE POINT OF --https: unmodified @azure/msal-node 7.2.3 refuses http authorities; with its
// default network client (no `system.networkClient`: Node's global fetch) and the local CA trusted
// through NODE_EXTRA_CA_CERTS it signs in over real TLS. Node reads that variable only at process
// start, so msal-node runs in a child process (msal-device-code.child.mjs). Compare
// interop/msal-node.test.ts, which needs a scheme-rewriting network client and a plain-http server.

const SCOPE = 'api://demo/read';

/** The server's request log: `METHOD path status` of every request. */
const requests: string[] = [];
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const line = JSON.parse(chunk.toString('utf8')) as {
      req?: { method: string; path: string };
      res?: { statusCode: number };
    };
    if (line.req !== undefined) requests.push(`${line.req.method} ${line.req.path}`);
    if (line.res !== undefined) requests.push(`${requests.pop() ?? '?'} ${line.res.statusCode}`);
    done();
  },
});

let temp: Awaited<ReturnType<typeof tempDir>>;
let tls: LocalCertificates;
let server: TestServer;
beforeAll(async () => {
  temp = await tempDir('devicelogin-msal-tls-');
  tls = await ensureLocalCertificates({ dir: join(temp.path, 'tls'), hosts: ['127.0.0.1', 'localhost'] });
  // msal-node sleeps `interval` in real time after authorization_pending: 1 s bounds it, should a
  // poll ever find the code pending (the child waits for the approval before its first poll).
  server = await startTestServer(
    { pollIntervalSeconds: 1 },
    { https: { key: tls.keyPem, cert: tls.certPem }, logger: { level: 'info', stream } },
  );
});
afterAll(async () => {
  await server.close();
  await temp.remove();
});

describe('msal-node 7.2.3, default network client, against the server over https', () => {
  it('signs in with the device code when NODE_EXTRA_CA_CERTS names the local CA', async () => {
    requests.length = 0;
    const userCodes: string[] = [];
    const run = await runMsalChild({
      authority: `${server.url}/contoso`,
      clientId: CLIENT_ID,
      scope: SCOPE,
      dir: await mkdtemp(join(temp.path, 'approve-')),
      extraCaCerts: tls.caCertPath,
      onUserCode: async (userCode) => {
        userCodes.push(userCode);
        await server.approve(userCode);
      },
    });

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(userCodes).toHaveLength(1);
    // OIDC discovery, the device code, one poll (approved before it): all over TLS.
    expect(requests).toEqual([
      'GET /contoso/.well-known/openid-configuration 200',
      'POST /contoso/oauth2/v2.0/devicecode 200',
      'POST /contoso/oauth2/v2.0/token 200',
    ]);
    const user = await server.context.store.findUser(USER.tenant, USER.username);
    expect(run.messages.at(-1)).toEqual({
      account: {
        username: USER.username,
        homeAccountId: `${user!.id}.${tenantId('contoso')}`,
        environment: new URL(server.url).host,
      },
      scopes: expect.arrayContaining([SCOPE]) as unknown,
    });
  });

  it('fails on the certificate without NODE_EXTRA_CA_CERTS, before any code is shown', async () => {
    requests.length = 0;
    const run = await runMsalChild({
      authority: `${server.url}/contoso`,
      clientId: CLIENT_ID,
      scope: SCOPE,
      dir: await mkdtemp(join(temp.path, 'refuse-')),
      extraCaCerts: undefined,
      onUserCode: () => Promise.reject(new Error('msal-node got a user code without trusting the CA')),
    });
    expect(run.exitCode).toBe(1);
    expect(run.messages).toHaveLength(1);
    expect(requests).toEqual([]); // refused in the handshake: no HTTP request reached the server
    const error = run.messages[0]?.error;
    // msal-node's own words: the metadata could not be fetched ("fetch failed")...
    expect(error).toMatchObject({ name: 'ClientAuthError', errorCode: 'endpoints_resolution_error' });
    expect(error?.causes).toEqual([expect.stringContaining('network_error: Network request failed: fetch failed')]);
    // ...because the same fetch, in the same process, does not trust the server's certificate.
    expect(error?.tlsError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
