import { formEncode, type ReceivedResponse } from '@devicelogin/protocol';
import { NetworkError, RequestTimeoutError } from './errors.js';
import type { FetchLike } from './proxy.js';

/** Largest response body the client reads (1 MiB); anything larger is a network-level failure. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Options of one request. */
export interface RequestOptions {
  /** Aborts the request; the signal's reason is thrown as is (callers translate it). */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the transport's per-request timeout. */
  readonly timeoutMs?: number | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A {@link ReceivedResponse} with the headers the client reads besides those. */
export interface HttpResponse extends ReceivedResponse {
  /** The `DPoP-Nonce` header (RFC 9449 §8), or null when absent. */
  readonly dpopNonce: string | null;
}

/** Options of a resource request sent with {@link HttpTransport.fetchResponse}. */
export interface RawRequestOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * The only place the client calls `fetch`. Each call has its own timeout, linked with the
 * caller's AbortSignal; failures become {@link NetworkError} or {@link RequestTimeoutError};
 * the body is read (at most {@link MAX_RESPONSE_BYTES}) into a {@link ReceivedResponse} for the
 * pure `process*` functions.
 */
export interface HttpTransport {
  postForm(
    url: string,
    parameters: Readonly<Record<string, string | undefined>>,
    options?: RequestOptions,
  ): Promise<HttpResponse>;
  get(url: string, options?: RequestOptions): Promise<HttpResponse>;
  /**
   * Sends a request to a resource server (no client identification headers) and returns the
   * `Response` itself, its body unread. The timeout covers the wait for the response headers;
   * reading the body is the caller's. Redirects are not followed (they would carry the token).
   */
  fetchResponse(url: string, init: RequestInit, options?: RawRequestOptions): Promise<Response>;
}

/** Settings of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  readonly fetch: FetchLike;
  readonly requestTimeoutMs: number;
  /** Headers sent on every request (client identification). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Origin and path of a URL, for messages: never the query, which could carry anything. */
export function endpointName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

async function readBody(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new Error(`response body of ${declared} bytes exceeds ${MAX_RESPONSE_BYTES}`);
  }
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new Error(`response body exceeds ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Builds the client's {@link HttpTransport}. */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  async function send(url: string, init: RequestInit, request: RequestOptions | undefined): Promise<HttpResponse> {
    const timeoutMs = request?.timeoutMs ?? options.requestTimeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), Math.max(0, timeoutMs));
    const callerSignal = request?.signal;
    const signal = callerSignal === undefined ? timeout.signal : AbortSignal.any([callerSignal, timeout.signal]);
    try {
      const response = await options.fetch(url, {
        ...init,
        headers: { ...options.headers, ...(init.headers as Record<string, string>), ...request?.headers },
        signal,
        redirect: 'manual',
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        preferenceApplied: response.headers.get('preference-applied'),
        dpopNonce: response.headers.get('dpop-nonce'),
        body: await readBody(response),
      };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timeout.signal.aborted) throw new RequestTimeoutError(endpointName(url), timeoutMs);
      throw new NetworkError(endpointName(url), error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    postForm: (url, parameters, request) =>
      send(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: formEncode(parameters),
        },
        request,
      ),
    get: (url, request) => send(url, { method: 'GET', headers: { accept: 'application/json' } }, request),
    async fetchResponse(url, init, request) {
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), options.requestTimeoutMs);
      const callerSignal = request?.signal;
      const signal = callerSignal === undefined ? timeout.signal : AbortSignal.any([callerSignal, timeout.signal]);
      try {
        return await options.fetch(url, { ...init, signal, redirect: 'manual' });
      } catch (error) {
        if (callerSignal?.aborted) throw callerSignal.reason;
        if (timeout.signal.aborted) throw new RequestTimeoutError(endpointName(url), options.requestTimeoutMs);
        throw new NetworkError(endpointName(url), error);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
