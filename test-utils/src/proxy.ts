import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A forward HTTP proxy on 127.0.0.1 that records what went through it. */
export interface TestProxy {
  readonly url: string;
  /** `CONNECT host:port` targets and absolute-form request URLs, in order. */
  readonly seen: string[];
  close(): Promise<void>;
}

/** Starts a forward proxy supporting CONNECT tunnels and absolute-form requests. */
export async function startProxy(): Promise<TestProxy> {
  const seen: string[] = [];
  const server = createServer((clientRequest, clientResponse) => {
    seen.push(clientRequest.url ?? '');
    const target = new URL(clientRequest.url ?? '');
    const upstream = httpRequest(
      target,
      { method: clientRequest.method, headers: clientRequest.headers },
      (upstreamResponse) => {
        clientResponse.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(clientResponse);
      },
    );
    upstream.on('error', () => clientResponse.destroy());
    clientRequest.pipe(upstream);
  });
  server.on('connect', (request, socket, head) => {
    seen.push(`CONNECT ${request.url ?? ''}`);
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
