/**
 * A reverse proxy on 127.0.0.1 in front of a real server, recording every exchange (request
 * body and response headers included) in order: what reached the server's endpoints, seen at
 * its door. Give the server the proxy's URL as its public URL, so that discovery sends clients
 * through it, then {@link RecordingProxy.forwardTo} the server's own URL. It forwards requests
 * and answers unchanged.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { readBody, startServer } from '@devicelogin/test-utils';

/** One request and the server's answer. */
export interface Exchange {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly requestHeaders: IncomingHttpHeaders;
  readonly requestBody: string;
  readonly status: number;
  readonly responseHeaders: IncomingHttpHeaders;
}

/** A running {@link startRecordingProxy}. */
export interface RecordingProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every exchange so far, in the order the server answered. */
  readonly exchanges: readonly Exchange[];
  /** Where requests go: the server's origin. Until called, requests are answered 502. */
  forwardTo(origin: string): void;
  /**
   * Runs after the server answered and before the answer is passed on: a test acts at that
   * exact moment (no sleeps). Undefined removes it.
   */
  onAnswer(hook: ((exchange: Exchange) => Promise<void>) | undefined): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** Starts the proxy on a free port. */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  let origin: string | undefined;
  let hook: ((exchange: Exchange) => Promise<void>) | undefined;
  const agent = new Agent({ keepAlive: false });
  const server = await startServer(async (request, response) => {
    const body = Buffer.from(await readBody(request), 'utf8');
    if (origin === undefined) {
      response.writeHead(502).end();
      return;
    }
    // The Host header stays the proxy's: the server's public URL.
    const headers = { ...withoutHopByHop(request.headers), 'content-length': String(body.length) };
    const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const upstream = httpRequest(
          new URL(request.url ?? '/', origin),
          { method: request.method, headers, agent },
          (upstreamResponse) => {
            const chunks: Buffer[] = [];
            upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
            upstreamResponse.on('error', reject);
            upstreamResponse.on('end', () =>
              resolve({
                status: upstreamResponse.statusCode ?? 502,
                headers: upstreamResponse.headers,
                body: Buffer.concat(chunks),
              }),
            );
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );
    const exchange: Exchange = {
      method: request.method ?? 'GET',
      path: new URL(request.url ?? '/', 'http://proxy').pathname,
      requestHeaders: request.headers,
      requestBody: body.toString('utf8'),
      status: answer.status,
      responseHeaders: answer.headers,
    };
    exchanges.push(exchange);
    await hook?.(exchange);
    response.writeHead(answer.status, {
      ...withoutHopByHop(answer.headers),
      'content-length': String(answer.body.length),
    });
    response.end(answer.body);
  });
  return {
    url: server.url,
    exchanges,
    forwardTo: (url) => {
      origin = url;
    },
    onAnswer: (next) => {
      hook = next;
    },
    close: async () => {
      await server.close();
      agent.destroy();
    },
  };
}
