import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { ensureLocalCertificates, type LocalCertificates } from '@devicelogin/server';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { httpsGet } from './https-get.js';

// The server built with `https` serves real TLS on 127.0.0.1: a client trusting the local CA gets
// the metadata; one that does not is refused during the handshake, before any HTTP.

let temp: Awaited<ReturnType<typeof tempDir>>;
let tls: LocalCertificates;
let server: TestServer;
beforeAll(async () => {
  temp = await tempDir('devicelogin-tls-');
  tls = await ensureLocalCertificates({ dir: join(temp.path, 'tls'), hosts: ['127.0.0.1', 'localhost'] });
  server = await startTestServer({}, { https: { key: tls.keyPem, cert: tls.certPem } });
});
afterAll(async () => {
  await server.close();
  await temp.remove();
});

const discovery = (): string => `${server.url}/contoso/v2.0/.well-known/openid-configuration`;

/** The error a request fails with (it must fail). */
async function failure(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as NodeJS.ErrnoException,
  );
  if (error === undefined) throw new Error('the request succeeded');
  return error;
}

describe('buildApp with https (real TLS on 127.0.0.1)', () => {
  it('answers discovery over TLS to a client that trusts the local CA; the metadata is https', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await httpsGet(discovery(), { ca: tls.caCertPem });
    expect(answer.status).toBe(200);
    expect(answer.protocol).toBe('TLSv1.3');
    expect(answer.peerSubject).toBe('127.0.0.1');
    expect(JSON.parse(answer.body)).toMatchObject({
      issuer: `${server.url}/contoso`,
      token_endpoint: `${server.url}/contoso/oauth2/v2.0/token`,
      device_authorization_endpoint: `${server.url}/contoso/oauth2/v2.0/devicecode`,
    });
  });

  it('accepts the name localhost too (the certificate has a DNS entry for it)', async () => {
    const answer = await httpsGet(discovery(), { ca: tls.caCertPem, servername: 'localhost' });
    expect(answer.status).toBe(200);
  });

  it('is refused by a client that does not trust the local CA', async () => {
    const error = await failure(httpsGet(discovery()));
    // OpenSSL cannot find the issuer of the certificate the server sent (the chain ends there).
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(error.message).toBe('unable to verify the first certificate');
  });

  it('is refused by a client that trusts another local CA', async () => {
    const other = await ensureLocalCertificates({ dir: join(temp.path, 'other'), hosts: ['127.0.0.1'] });
    expect(other.caCertPem).not.toBe(tls.caCertPem);
    const error = await failure(httpsGet(discovery(), { ca: other.caCertPem }));
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('is refused for a name the certificate does not cover', async () => {
    const error = await failure(httpsGet(discovery(), { ca: tls.caCertPem, servername: 'login.example.com' }));
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('sets the verification session cookie Secure, under the __Host- prefix', async () => {
    const answer = await httpsGet(`${server.url}/device`, { ca: tls.caCertPem });
    expect(answer.status).toBe(200);
    const cookies = answer.headers['set-cookie'] ?? [];
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^__Host-devicelogin=/);
    expect(cookies[0]).toMatch(/; Secure/);
  });
});
