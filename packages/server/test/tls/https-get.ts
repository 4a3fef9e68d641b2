import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

/** An https GET's answer and what TLS negotiated. */
export interface HttpsAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  readonly protocol: string | null;
  /** Common name of the certificate the server presented. */
  readonly peerSubject: string;
}

/** Who the client trusts and which name it checks. */
export interface HttpsGetOptions {
  /** CA certificates (PEM) to trust instead of Node's default store. Default: the default store. */
  readonly ca?: string;
  /** Name sent in SNI and checked against the certificate. Default: the URL's host. */
  readonly servername?: string;
}

/** GET over node:https on a fresh connection (no agent: nothing is reused between calls). */
export function httpsGet(url: string, options: HttpsGetOptions = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent: false,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.servername === undefined ? {} : { servername: options.servername }),
      },
      (response) => {
        const socket = response.socket as TLSSocket;
        const commonName = socket.getPeerCertificate().subject.CN;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            protocol: socket.getProtocol(),
            peerSubject: [commonName ?? []].flat().join(', '),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
