import type { IncomingMessage } from 'node:http';
import {
  createTestIssuer,
  readForm,
  sendJson,
  sendText,
  startServer,
  type TestIssuer,
} from '@devicelogin/test-utils';

/** One scripted HTTP answer. */
export interface Reply {
  readonly status?: number;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Destroy the connection instead of answering (a network failure). */
  readonly reset?: boolean;
}

/** What a scripted endpoint sees. */
export interface Call {
  readonly form: Record<string, string>;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** 1-based count of calls to this endpoint. */
  readonly attempt: number;
}

/** A scripted provider: device endpoint, token endpoint, JWKS and discovery on 127.0.0.1. */
export interface FakeProvider {
  readonly url: string;
  readonly issuer: TestIssuer;
  readonly deviceCalls: Call[];
  readonly tokenCalls: Call[];
  readonly paths: { readonly device: string; readonly token: string; readonly jwks: string };
  /** Signs an id_token for this provider (iss = url unless given). */
  idToken(claims: Record<string, unknown>, nowSeconds: number): Promise<string>;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  readonly device?: (call: Call) => Reply | Promise<Reply>;
  readonly token: (call: Call, provider: FakeProvider) => Reply | Promise<Reply>;
  /** Override paths (e.g. the Entra layout). */
  readonly paths?: Partial<FakeProvider['paths']>;
  /** Extra discovery fields, or `null` to serve no discovery document. */
  readonly metadata?: Record<string, unknown> | null;
}

/** The RFC 8628 device authorization response the fake sends by default. */
export function standardDeviceReply(url: string, extra: Record<string, unknown> = {}): Reply {
  return {
    json: {
      device_code: 'DEVICE-CODE-0123456789abcdef',
      user_code: 'BCDF-GHJK',
      verification_uri: `${url}/device`,
      expires_in: 900,
      interval: 5,
      ...extra,
    },
  };
}

/** Starts a scripted provider. */
export async function startFakeProvider(options: FakeProviderOptions): Promise<FakeProvider> {
  const issuer = await createTestIssuer();
  const deviceCalls: Call[] = [];
  const tokenCalls: Call[] = [];
  const paths = { device: '/device/code', token: '/token', jwks: '/jwks', ...options.paths };
  // eslint-disable-next-line prefer-const -- assigned after the server starts
  let provider: FakeProvider;
  const server = await startServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (reply: Reply): void => {
      if (reply.reset === true) {
        request.socket.destroy();
        return;
      }
      const status = reply.status ?? 200;
      const headers = { ...reply.headers };
      if (reply.json !== undefined) sendJson(response, status, reply.json, headers);
      else if (reply.form !== undefined)
        sendText(response, status, reply.contentType ?? 'application/x-www-form-urlencoded', new URLSearchParams(reply.form).toString(), headers);
      else sendText(response, status, reply.contentType ?? 'text/plain', reply.text ?? '', headers);
    };
    if (request.method === 'GET' && url.pathname === paths.jwks) return send({ json: issuer.jwks });
    if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration' && options.metadata !== null) {
      return send({
        json: {
          issuer: provider.url,
          token_endpoint: `${provider.url}${paths.token}`,
          device_authorization_endpoint: `${provider.url}${paths.device}`,
          jwks_uri: `${provider.url}${paths.jwks}`,
          ...options.metadata,
        },
      });
    }
    if (request.method === 'POST' && url.pathname === paths.device) {
      const call = { form: await readForm(request), url: request.url ?? '', headers: request.headers, attempt: deviceCalls.length + 1 };
      deviceCalls.push(call);
      return send(await (options.device ?? (() => standardDeviceReply(provider.url)))(call));
    }
    if (request.method === 'POST' && url.pathname === paths.token) {
      const call = { form: await readForm(request), url: request.url ?? '', headers: request.headers, attempt: tokenCalls.length + 1 };
      tokenCalls.push(call);
      return send(await options.token(call, provider));
    }
    return send({ status: 404, json: { error: 'not_found' } });
  });
  provider = {
    url: server.url,
    issuer,
    deviceCalls,
    tokenCalls,
    paths,
    idToken: (claims, nowSeconds) => issuer.sign({ iss: server.url, ...claims }, nowSeconds),
    close: () => server.close(),
  };
  return provider;
}

/** An RFC 6749 success body. */
export function tokenReply(extra: Record<string, unknown> = {}): Reply {
  return {
    json: {
      access_token: 'ACCESS-TOKEN-secret-value-1234',
      token_type: 'Bearer',
      expires_in: 3599,
      refresh_token: 'REFRESH-TOKEN-secret-value-5678',
      scope: 'openid profile offline_access',
      ...extra,
    },
  };
}

/** An OAuth error body with HTTP 400. */
export function errorReply(error: string, extra: Record<string, unknown> = {}, status = 400): Reply {
  return { status, json: { error, ...extra } };
}
