import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { startServer, type TestServer } from '@devicelogin/test-utils';

/**
 * node-oidc-provider 9.13.3 (the pinned devDependency) on 127.0.0.1:0 over plain http, set up
 * for the device flow, plus the "user" side of the flow driven programmatically (no browser):
 * approve / deny / expire a user code through the provider's own models, exactly as its
 * verification pages would (lib/actions/code_verification.js, lib/actions/authorization/device.js).
 */

/** The device grant's `grant_type`. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** Lifetimes configured on the provider, in seconds. */
export const TTL = Object.freeze({
  AccessToken: 3600,
  DeviceCode: 600,
  IdToken: 3600,
  RefreshToken: 86_400,
  Grant: 86_400,
});

/** An account the provider's `findAccount` knows. */
export interface TestAccount {
  readonly sub: string;
  readonly preferred_username: string;
  readonly name: string;
  readonly email: string;
}

/** The account approvals sign in by default. */
export const DEFAULT_ACCOUNT: TestAccount = Object.freeze({
  sub: 'interop-user-7f3a',
  preferred_username: 'ada@interop.example',
  name: 'Ada Lovelace',
  email: 'ada@interop.example',
});

/** One request to the token endpoint, as node-oidc-provider answered it. */
export interface PollRecord {
  /** 1-based. */
  readonly index: number;
  readonly grantType: string | undefined;
  readonly status: number;
  /** The OAuth `error` of the answer, when it was one. */
  readonly error: string | undefined;
}

/** Tokens node-oidc-provider issued (to check the client returns them and never leaks them). */
export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
}

/** Test hooks run inside the provider's request handling of a token endpoint request. */
export interface PollHooks {
  /** Before the provider handles request number `index` (the client is waiting for the answer). */
  readonly received?: (index: number) => void | Promise<void>;
  /** After the provider formed its answer, before it is sent: the next poll sees what this does. */
  readonly answered?: (poll: PollRecord) => void | Promise<void>;
}

/** A running node-oidc-provider. */
export interface OidcProviderServer {
  /** `http://127.0.0.1:<port>`: issuer and authority. */
  readonly issuer: string;
  readonly clientId: string;
  /** Endpoints as published by the provider's discovery document. */
  readonly metadata: {
    readonly deviceAuthorizationEndpoint: string;
    readonly tokenEndpoint: string;
    readonly jwksUri: string;
    /** The userinfo endpoint: a resource server that checks DPoP proofs (RFC 9449 §7) itself. */
    readonly userinfoEndpoint: string;
  };
  /** `kid` of the provider's id_token signing key. */
  readonly signingKeyId: string;
  /** Token endpoint requests received, in order. */
  readonly pollsReceived: () => number;
  /** Token endpoint answers, in order. */
  readonly polls: readonly PollRecord[];
  readonly issued: readonly IssuedTokens[];
  /** GET requests served on the jwks_uri. */
  readonly jwksRequests: () => number;
  /** Errors the provider reported as `server_error` (a test expects none). */
  readonly serverErrors: readonly unknown[];
  /** Every request received, as `METHOD /path`, in order. */
  readonly requests: readonly string[];
  /** `DPoP` request headers received by the token endpoint, in order (undefined: none). */
  readonly tokenProofs: readonly (string | undefined)[];
  /**
   * The JWK thumbprint an issued token is bound to (its `jkt`, the `cnf.jkt` of RFC 9449 §6), read
   * from the provider's own models; undefined for an unbound (Bearer) token.
   */
  bindingOf(kind: 'AccessToken' | 'RefreshToken', token: string): Promise<string | undefined>;
  setPollHooks(hooks: PollHooks): void;
  /** The user enters `userCode`, signs in as `account` and approves every requested scope. */
  approve(userCode: string, account?: TestAccount): Promise<void>;
  /** The user enters `userCode` and presses "Abort" (node-oidc-provider's deny). */
  deny(userCode: string): Promise<void>;
  /** The device code behind `userCode` reaches its expiry (its `exp` moves into the past). */
  expire(userCode: string): Promise<void>;
  close(): Promise<void>;
}

// ---- The slice of node-oidc-provider's API used here (the package ships no type definitions).

interface KoaContext {
  get(header: string): string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
  readonly oidc?: { readonly params?: Readonly<Record<string, unknown>> };
}

interface DeviceCodeEntity {
  readonly clientId: string;
  readonly params?: { readonly scope?: string };
  readonly isExpired: boolean;
  exp: number;
  accountId?: string;
  authTime?: number;
  grantId?: string;
  scope?: string;
  error?: string;
  errorDescription?: string;
  save(): Promise<string>;
}

interface GrantEntity {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}

interface ProviderInstance {
  callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly DeviceCode: {
    findByUserCode(userCode: string, options?: { ignoreExpiration?: boolean }): Promise<DeviceCodeEntity | undefined>;
  };
  readonly Grant: new (init: { accountId: string; clientId: string }) => GrantEntity;
  readonly AccessToken: { find(token: string): Promise<{ readonly jkt?: string } | undefined> };
  readonly RefreshToken: { find(token: string): Promise<{ readonly jkt?: string } | undefined> };
}

type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

let providerClass: Promise<ProviderConstructor> | undefined;

/**
 * Imports oidc-provider once. Its only import-time output is "Unsupported runtime. Use Node.js
 * v22.x LTS" on Node 20 (lib/index.js): that one line is held back, anything else passes.
 */
function loadProvider(): Promise<ProviderConstructor> {
  providerClass ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]): void => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn(...args);
    };
    try {
      // A variable specifier: the package has no types, its shape is declared above.
      const specifier = 'oidc-provider';
      const module = (await import(specifier)) as { default: ProviderConstructor };
      return module.default;
    } finally {
      console.warn = warn;
    }
  })();
  return providerClass;
}

/**
 * A storage adapter (node-oidc-provider's adapter interface) private to one provider instance.
 * Records stay until the server closes: node-oidc-provider checks `exp` itself and answers
 * `expired_token` only for a device code its adapter still returns (the bundled memory adapter
 * drops records at `exp` + clockTolerance and is shared by every provider in the process).
 */
function createAdapter(): new (model: string) => object {
  const records = new Map<string, Record<string, unknown>>();
  const index = new Map<string, string>();
  return class Adapter {
    readonly #model: string;
    constructor(model: string) {
      this.#model = model;
    }
    #key(id: string): string {
      return `${this.#model}:${id}`;
    }
    upsert(id: string, payload: Record<string, unknown>): Promise<void> {
      const key = this.#key(id);
      records.set(key, structuredClone(payload));
      if (typeof payload['userCode'] === 'string') index.set(`userCode:${payload['userCode']}`, key);
      if (typeof payload['uid'] === 'string') index.set(`uid:${payload['uid']}`, key);
      return Promise.resolve();
    }
    find(id: string): Promise<Record<string, unknown> | undefined> {
      const record = records.get(this.#key(id));
      return Promise.resolve(record === undefined ? undefined : structuredClone(record));
    }
    findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
      const key = index.get(`userCode:${userCode}`);
      return Promise.resolve(key === undefined ? undefined : structuredClone(records.get(key)));
    }
    findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      const key = index.get(`uid:${uid}`);
      return Promise.resolve(key === undefined ? undefined : structuredClone(records.get(key)));
    }
    consume(id: string): Promise<void> {
      const record = records.get(this.#key(id));
      if (record !== undefined) record['consumed'] = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    }
    destroy(id: string): Promise<void> {
      records.delete(this.#key(id));
      return Promise.resolve();
    }
    revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, record] of records) if (record['grantId'] === grantId) records.delete(key);
      return Promise.resolve();
    }
  };
}

/** node-oidc-provider's user code normalisation (lib/helpers/user_codes.js): upper case, no separators. */
function normalizeUserCode(input: string): string {
  return input.toUpperCase().replace(/\W/g, '');
}

function stringField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Options of {@link startOidcProvider}. */
export interface OidcProviderOptions {
  readonly clientId?: string;
  readonly accounts?: readonly TestAccount[];
  /**
   * `features.dPoP` (node-oidc-provider 9 enables DPoP by default: a request with a `DPoP` proof
   * gets tokens bound to its key, and a public client's refresh token is bound too). With
   * `requireNonce`, the provider gets a `nonceSecret` and demands a server nonce in every proof
   * (RFC 9449 §8, §9): the first proof without one is answered `use_dpop_nonce`.
   */
  readonly dpop?: { readonly requireNonce: boolean };
}

/** Starts node-oidc-provider with one public native client allowed the device and refresh grants. */
export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<OidcProviderServer> {
  const Provider = await loadProvider();
  const clientId = options.clientId ?? 'interop-native-cli';
  const accounts = new Map((options.accounts ?? [DEFAULT_ACCOUNT]).map((a) => [a.sub, a]));
  const signingKeyId = `interop-${Math.random().toString(36).slice(2, 10)}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: signingKeyId, alg: 'RS256', use: 'sig' };

  let handle: ((request: IncomingMessage, response: ServerResponse) => Promise<void>) | undefined;
  // The issuer needs the port: listen first, mount the provider's handler once it exists.
  const http = await startServer((request, response) => {
    if (handle === undefined) throw new Error('provider not ready');
    return handle(request, response);
  });
  try {
    return await mount(Provider, http, clientId, accounts, signingKeyId, signingKey, options.dpop, (h) => (handle = h));
  } catch (error) {
    await http.close();
    throw error;
  }
}

async function mount(
  Provider: ProviderConstructor,
  http: TestServer,
  clientId: string,
  accounts: Map<string, TestAccount>,
  signingKeyId: string,
  signingKey: Record<string, unknown>,
  dpop: OidcProviderOptions['dpop'],
  setHandler: (handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>) => void,
): Promise<OidcProviderServer> {
  const issuer = http.url;
  const provider = new Provider(issuer, {
    adapter: createAdapter(),
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    features: {
      deviceFlow: { enabled: true },
      devInteractions: { enabled: false },
      ...(dpop?.requireNonce === true
        ? { dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true } }
        : {}),
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
    },
    scopes: ['openid', 'offline_access'],
    // Put the profile claims in the id_token itself (default: only when no userinfo is possible).
    conformIdTokenClaims: false,
    // Refresh tokens for clients allowed the refresh grant that asked for offline_access.
    issueRefreshToken: (
      _ctx: unknown,
      client: { grantTypeAllowed(type: string): boolean },
      code: { scopes: Set<string> },
    ) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (account === undefined) return undefined;
      return { accountId: sub, claims: () => ({ ...account }) };
    },
    ttl: { ...TTL, Interaction: 3600, Session: 86_400 },
  });

  const polls: PollRecord[] = [];
  const issued: IssuedTokens[] = [];
  const serverErrors: unknown[] = [];
  const tokenProofs: (string | undefined)[] = [];
  const requests: string[] = [];
  let received = 0;
  let jwksRequests = 0;
  let hooks: PollHooks = {};
  provider.on('server_error', (_ctx: unknown, error: unknown) => serverErrors.push(error));

  // Filled from the discovery document below; until then the middleware only passes through.
  const paths: { token?: string; jwks?: string } = {};
  provider.use(async (ctx, next) => {
    requests.push(`${ctx.method} ${ctx.path}`);
    if (ctx.method === 'GET' && ctx.path === paths.jwks) jwksRequests += 1;
    if (ctx.method !== 'POST' || ctx.path !== paths.token) return next();
    received += 1;
    tokenProofs.push(ctx.get('DPoP') || undefined);
    const index = received;
    await hooks.received?.(index);
    await next();
    const grantType = ctx.oidc?.params?.['grant_type'];
    const poll: PollRecord = Object.freeze({
      index,
      grantType: typeof grantType === 'string' ? grantType : undefined,
      status: ctx.status,
      error: stringField(ctx.body, 'error'),
    });
    polls.push(poll);
    const accessToken = stringField(ctx.body, 'access_token');
    if (ctx.status === 200 && accessToken !== undefined) {
      issued.push(
        Object.freeze({
          accessToken,
          refreshToken: stringField(ctx.body, 'refresh_token'),
          idToken: stringField(ctx.body, 'id_token'),
        }),
      );
    }
    await hooks.answered?.(poll);
  });

  // Koa composes the middleware when the callback is made: after `use`.
  setHandler(provider.callback());
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery answered HTTP ${response.status}`);
  const discovery = (await response.json()) as Record<string, unknown>;
  const metadata = Object.freeze({
    deviceAuthorizationEndpoint: String(discovery['device_authorization_endpoint']),
    tokenEndpoint: String(discovery['token_endpoint']),
    jwksUri: String(discovery['jwks_uri']),
    userinfoEndpoint: String(discovery['userinfo_endpoint']),
  });
  paths.token = new URL(metadata.tokenEndpoint).pathname;
  paths.jwks = new URL(metadata.jwksUri).pathname;

  async function pendingCode(userCode: string): Promise<DeviceCodeEntity> {
    const code = await provider.DeviceCode.findByUserCode(normalizeUserCode(userCode), { ignoreExpiration: true });
    // The same refusals as the verification page (lib/actions/code_verification.js).
    if (code === undefined) throw new Error('user code not found');
    if (code.isExpired) throw new Error('user code expired');
    if (code.error !== undefined || code.accountId !== undefined) throw new Error('user code already used');
    return code;
  }

  return {
    issuer,
    clientId,
    metadata,
    signingKeyId,
    pollsReceived: () => received,
    polls,
    issued,
    jwksRequests: () => jwksRequests,
    serverErrors,
    requests,
    tokenProofs,
    async bindingOf(kind, token) {
      return (await provider[kind].find(token))?.jkt;
    },
    setPollHooks(next) {
      hooks = next;
    },
    async approve(userCode, account = DEFAULT_ACCOUNT) {
      const code = await pendingCode(userCode);
      if (!accounts.has(account.sub)) accounts.set(account.sub, account);
      const scope = code.params?.scope ?? '';
      // Sign-in + consent: a Grant for every requested scope (lib/actions/interaction.js does
      // the same from interactionFinished), then the fields deviceVerificationResponse sets.
      const grant = new provider.Grant({ accountId: account.sub, clientId: code.clientId });
      if (scope !== '') grant.addOIDCScope(scope);
      const grantId = await grant.save();
      Object.assign(code, { accountId: account.sub, authTime: Math.floor(Date.now() / 1000), grantId, scope });
      await code.save();
    },
    async deny(userCode) {
      const code = await pendingCode(userCode);
      Object.assign(code, { error: 'access_denied', errorDescription: 'End-User aborted interaction' });
      await code.save();
    },
    async expire(userCode) {
      const code = await pendingCode(userCode);
      code.exp = Math.floor(Date.now() / 1000) - 1;
      await code.save();
    },
    close: () => http.close(),
  };
}
