/**
 * A minimal browser for the verification pages that speaks from a chosen loopback source address
 * (`localAddress` on its socket: any of 127.0.0.0/8 works on Linux without configuring aliases),
 * so a server that does not trust proxies sees it as a distinct client IP. Keeps its cookies and
 * the last CSRF token, as a browser would; one keep-alive connection.
 */
import { Agent, request } from 'node:http';
import { csrfOf } from '../../support/browser-session.js';

/** One answer. */
export interface SourceAnswer {
  readonly status: number;
  readonly location: string | undefined;
  /** The `Retry-After` header (a 429). */
  readonly retryAfter: string | undefined;
}

/** A browser bound to one source address. */
export class SourceAddressBrowser {
  readonly #base: URL;
  readonly #agent: Agent;
  /** The address its connections come from. */
  readonly address: string;
  readonly #cookies = new Map<string, string>();
  /** The CSRF field of the last page that had one. */
  csrf = '';

  constructor(base: string, address: string) {
    this.#base = new URL(base);
    this.address = address;
    this.#agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: address });
  }

  /** GET a path. */
  get(path: string): Promise<SourceAnswer> {
    return this.#send('GET', path, undefined);
  }

  /** POST a form (urlencoded). */
  post(path: string, form: Readonly<Record<string, string>>): Promise<SourceAnswer> {
    return this.#send('POST', path, new URLSearchParams(form).toString());
  }

  /** Closes its connection. */
  close(): void {
    this.#agent.destroy();
  }

  #send(method: string, path: string, body: string | undefined): Promise<SourceAnswer> {
    const headers: Record<string, string | number> = { 'user-agent': 'Mozilla/5.0 (guessing test)' };
    if (this.#cookies.size > 0) headers['cookie'] = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(new URL(path, this.#base), { method, headers, agent: this.#agent }, (response) => {
        let html = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (html += chunk));
        response.on('error', reject);
        response.on('end', () => {
          for (const header of response.headers['set-cookie'] ?? []) {
            const pair = header.split(';')[0] ?? '';
            const eq = pair.indexOf('=');
            if (eq > 0) this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
          }
          this.csrf = csrfOf(html) ?? this.csrf;
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, location: response.headers.location, retryAfter });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
