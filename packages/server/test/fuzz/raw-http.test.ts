/**
 * Malformed HTTP over a real TCP socket (what `inject` cannot send): broken request lines,
 * encodings, framing and header values. Every answer must be a 4xx (or the connection closed
 * by the server), never a 5xx, and the server must still serve a normal request afterwards.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
});

/** Sends raw bytes, returns the status of the first response line (0 when the server closed without one). */
function rawRequest(bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (match !== null) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(0) : reject(error),
    );
    socket.on('close', () => resolve(/^HTTP\/1\.[01] (\d{3})/.test(received) ? Number(received.slice(9, 12)) : 0));
    socket.end(bytes);
  });
}

const paths = fc.constantFrom(
  '/contoso/oauth2/v2.0/token',
  '/contoso/oauth2/v2.0/devicecode',
  '/device',
  '/device/signin',
  '/device/consent',
  '/api/me',
  '/%',
  '/device?%ZZ=%',
  '/contoso%2f..%2f/oauth2/v2.0/token',
  '//',
  '*',
);

const fixed: readonly string[] = [
  'GET / HTTP/1.1\r\n\r\n',
  'GARBAGE\r\n\r\n',
  'POST /contoso/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n0\r\n\r\n',
  'POST /contoso/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef',
  'POST /contoso/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'POST /contoso/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'POST /device HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n' +
    'a'.repeat(70_000),
  `GET /device HTTP/1.1\r\nHost: x\r\nCookie: ${'a'.repeat(20_000)}\r\n\r\n`,
  'GET /device HTTP/1.1\r\nHost: x\r\nAccept-Language: fr\u0000\r\n\r\n',
  'GET /device HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n',
  'GET /device HTTP/9.9\r\nHost: x\r\n\r\n',
];

describe('raw HTTP', () => {
  it.each(fixed.map((request) => [request.slice(0, 60).replace(/\r\n/g, '⏎'), request]))(
    '%s',
    async (_label, request) => {
      const status = await rawRequest(Buffer.from(request, 'latin1'));
      expect(status === 0 || (status >= 200 && status < 500), `status ${status}`).toBe(true);
    },
  );

  it('generated request lines, headers and bodies get no 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'G E T'),
        paths,
        fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string({ unit: 'binary-ascii', maxLength: 40 })), {
          maxLength: 5,
        }),
        fc.uint8Array({ maxLength: 200 }),
        async (method, path, headers, body) => {
          const head = [
            `${method} ${path} HTTP/1.1`,
            'Host: 127.0.0.1',
            ...headers.map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, '')}`),
            `Content-Length: ${body.length}`,
          ].join('\r\n');
          const status = await rawRequest(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]));
          expect(status === 0 || (status >= 200 && status < 500), `status ${status}`).toBe(true);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('still serves a normal request afterwards', async () => {
    const response = await fetch(`${server.url}/contoso/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
  });
});
