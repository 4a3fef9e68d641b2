import type { IncomingMessage } from 'node:http';
import { afterEach } from 'vitest';
import {
  PublicClientApplication,
  type AuthenticationResult,
  type Clock,
  type DeviceCodeInfo,
  type PublicClientConfiguration,
} from '@devicelogin/client';
import { createTestIssuer, readForm, sendJson, sendText, startServer, type TestIssuer } from '@devicelogin/test-utils';

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
  /**
   * Never answer: the request stays open until the client gives up or the provider closes
   * (`close()` destroys every open connection).
   */
  readonly hang?: boolean;
}

/** What a scripted endpoint sees. */
export interface Call {
  readonly form: Record<string, string>;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** 1-based count of calls to this endpoint. */
  readonly attempt: number;
  /** The injected clock's time when the request arrived, when a clock was given. */
  readonly at: number | undefined;
}

/** Any request the fake received, known endpoint or not. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
}

/** A scripted provider: device endpoint, token endpoint, JWKS and discovery on 127.0.0.1. */
export interface FakeProvider {
  readonly url: string;
  readonly issuer: TestIssuer;
  readonly deviceCalls: Call[];
  readonly tokenCalls: Call[];
  /** Every request received, in order, including unknown paths (answered 404). */
  readonly requests: SeenRequest[];
  readonly paths: { readonly device: string; readonly token: string; readonly jwks: string };
  /** Signs an id_token for this provider (iss = url unless given). */
  idToken(claims: Record<string, unknown>, nowSeconds: number): Promise<string>;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  readonly device?: (call: Call, provider: FakeProvider) => Reply | Promise<Reply>;
  readonly token: (call: Call, provider: FakeProvider) => Reply | Promise<Reply>;
  /** Override paths (e.g. the Entra layout). */
  readonly paths?: Partial<FakeProvider['paths']>;
  /** Extra discovery fields, or `null` to serve no discovery document. */
  readonly metadata?: Record<string, unknown> | null;
  /** Clock read when a call arrives (`Call.at`), to prove when the client polled. */
  readonly clock?: { now(): number };
}

/** The secrets the default replies carry; tests check none of them leaks. */
export const DEVICE_CODE = 'DEVICE-CODE-0123456789abcdef';
export const USER_CODE = 'BCDF-GHJK';
export const ACCESS_TOKEN = 'ACCESS-TOKEN-secret-value-1234';
export const REFRESH_TOKEN = 'REFRESH-TOKEN-secret-value-5678';

/** The RFC 8628 device authorization response the fake sends by default. */
export function standardDeviceReply(url: string, extra: Record<string, unknown> = {}): Reply {
  return {
    json: {
      device_code: DEVICE_CODE,
      user_code: USER_CODE,
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
  const requests: SeenRequest[] = [];
  const paths = { device: '/device/code', token: '/token', jwks: '/jwks', ...options.paths };
  const toCall = async (request: IncomingMessage, attempt: number): Promise<Call> => ({
    form: await readForm(request),
    url: request.url ?? '',
    headers: request.headers,
    attempt,
    at: options.clock?.now(),
  });
  // eslint-disable-next-line prefer-const -- assigned after the server starts
  let provider: FakeProvider;
  const server = await startServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: request.method ?? '', url: request.url ?? '' });
    const send = (reply: Reply): void => {
      if (reply.reset === true) {
        request.socket.destroy();
        return;
      }
      if (reply.hang === true) return;
      const status = reply.status ?? 200;
      const headers = { ...reply.headers };
      if (reply.json !== undefined) sendJson(response, status, reply.json, headers);
      else if (reply.form !== undefined)
        sendText(
          response,
          status,
          reply.contentType ?? 'application/x-www-form-urlencoded',
          new URLSearchParams(reply.form).toString(),
          headers,
        );
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
      const call = await toCall(request, deviceCalls.length + 1);
      deviceCalls.push(call);
      return send(await (options.device ?? (() => standardDeviceReply(provider.url)))(call, provider));
    }
    if (request.method === 'POST' && url.pathname === paths.token) {
      const call = await toCall(request, tokenCalls.length + 1);
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
    requests,
    paths,
    idToken: (claims, nowSeconds) => issuer.sign({ iss: server.url, ...claims }, nowSeconds),
    close: () => server.close(),
  };
  return provider;
}

/**
 * Gives a test file its fake providers: registers an `afterEach` that closes every provider
 * started through the returned function (each test's, however many it started), and returns
 * that function, {@link startFakeProvider} otherwise unchanged.
 *
 * Call it at the top level of the test file. Hooks run in reverse order of registration: call
 * it after registering any `afterEach` that must run after the providers are closed.
 */
export function useFakeProvider(): (options: FakeProviderOptions) => Promise<FakeProvider> {
  const started: FakeProvider[] = [];
  afterEach(async () => {
    for (const provider of started.splice(0)) await provider.close();
  });
  return async (options) => {
    const provider = await startFakeProvider(options);
    started.push(provider);
    return provider;
  };
}

/** What {@link genericConfig} adds to a generic client's configuration. */
export interface GenericClientOptions {
  /** More of the `auth` section, after the client id, authority and provider (e.g. `clientSecret`). */
  readonly auth?: Omit<PublicClientConfiguration['auth'], 'clientId' | 'authority' | 'provider'>;
  /** The `system` section; left out of the configuration when absent. */
  readonly system?: PublicClientConfiguration['system'];
  /** The `cache` section; left out of the configuration when absent. */
  readonly cache?: PublicClientConfiguration['cache'];
}

/**
 * The configuration of a client of the fake as a generic provider: the fake's URL is the
 * authority, its discovery document gives the endpoints. Plain data (no clock unless given in
 * `options.system`), so it can be sent to another process as JSON.
 */
export function genericConfig(
  provider: FakeProvider,
  clientId: string,
  options: GenericClientOptions = {},
): PublicClientConfiguration {
  return {
    auth: { clientId, authority: provider.url, provider: 'generic', ...options.auth },
    ...(options.system === undefined ? {} : { system: options.system }),
    ...(options.cache === undefined ? {} : { cache: options.cache }),
  };
}

/**
 * A client of the fake as a generic provider ({@link genericConfig}) that waits and reads the
 * time on `clock`; `options.system` adds to the clock (requestTimeoutMs, env, logger…).
 */
export function genericApp(
  provider: FakeProvider,
  clientId: string,
  clock: Clock,
  options: GenericClientOptions = {},
): PublicClientApplication {
  return new PublicClientApplication(
    genericConfig(provider, clientId, { ...options, system: { clock, ...options.system } }),
  );
}

/**
 * The device code sign-in of the generic tests: scope `x` (the fake grants whatever is asked),
 * the code handed to `onDeviceCode`, which ignores it by default.
 */
export function signIn(
  app: PublicClientApplication,
  onDeviceCode: (info: DeviceCodeInfo) => void = () => undefined,
): Promise<AuthenticationResult> {
  return app.acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode });
}

/** An RFC 6749 success body. */
export function tokenReply(extra: Record<string, unknown> = {}): Reply {
  return {
    json: {
      access_token: ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: 3599,
      refresh_token: REFRESH_TOKEN,
      scope: 'openid profile offline_access',
      ...extra,
    },
  };
}

/** An OAuth error body with HTTP 400. */
export function errorReply(error: string, extra: Record<string, unknown> = {}, status = 400): Reply {
  return { status, json: { error, ...extra } };
}
