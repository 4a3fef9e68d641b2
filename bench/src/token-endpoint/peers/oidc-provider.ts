import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEVICE_CODE_GRANT_TYPE, SCOPE, type TokenPeer } from './peer.js';

// ---- The slice of node-oidc-provider's API used here (the package ships no type definitions).

interface ClientEntity {
  readonly clientId: string;
}

interface ProviderInstance {
  callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  readonly Client: { find(id: string): Promise<ClientEntity | undefined> };
  readonly DeviceCode: new (init: Record<string, unknown>) => { save(): Promise<string> };
}

type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;
type AdapterConstructor = new (model: string, store: unknown, clockTolerance: number) => object;
type LruConstructor = new (options: { maxSize: number }) => unknown;

/** Warnings oidc-provider prints that the setup line already states. */
const KNOWN_WARNINGS = ['Unsupported runtime', 'development-only in-memory adapter'];

/** Variable specifiers: the package has no types, the shapes are declared above. */
async function load<T>(specifier: string): Promise<T> {
  return ((await import(specifier)) as { default: T }).default;
}

/**
 * The memory adapter's storage. oidc-provider's MemoryAdapter keeps everything in an LRU of 1,000
 * entries (two generations, so up to ~2,000): a device code takes two (the code and its user-code
 * index), so the stock store drops codes beyond ~500 and polls of them answer invalid_grant.
 * 'raised' runs the same MemoryAdapter class on the same LRU class with no practical capacity.
 */
async function adapterOption(store: 'raised' | 'stock'): Promise<Record<string, unknown>> {
  if (store === 'stock') return {};
  const MemoryAdapter = await load<AdapterConstructor>('oidc-provider/lib/adapters/memory_adapter.js');
  const Lru = await load<LruConstructor>('oidc-provider/lib/helpers/lru.js');
  const storage = new Lru({ maxSize: Number.MAX_SAFE_INTEGER });
  return { adapter: (model: string) => new MemoryAdapter(model, storage, 0) };
}

/** A user code as node-oidc-provider stores it: normalised, base-20, 8 characters. */
function userCode(): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
  let code = '';
  for (let i = 0; i < 8; i += 1) code += alphabet[randomInt(alphabet.length)];
  return code;
}

/**
 * node-oidc-provider 9.13.3 (the pinned version) with the device flow enabled, one public native
 * client per client id, its bundled in-memory adapter, over plain http on 127.0.0.1.
 */
export const peer: TokenPeer = {
  name: 'oidc-provider 9.13.3',
  setup:
    'Provider + provider.callback() on node:http, features.deviceFlow, public native clients ' +
    '(token_endpoint_auth_method none), bundled MemoryAdapter; codes issued on POST /device/auth',
  tokenPath: '/token',
  deviceAuthorizationPath: '/device/auth',
  deviceAuthorizationForm: (clientId) => ({ client_id: clientId, scope: SCOPE }),
  tokenForm: (deviceCode, clientId) => ({
    grant_type: DEVICE_CODE_GRANT_TYPE,
    client_id: clientId,
    device_code: deviceCode,
  }),
  async start(settings) {
    const warn = console.warn;
    console.warn = (...args: unknown[]): void => {
      if (typeof args[0] === 'string' && KNOWN_WARNINGS.some((known) => String(args[0]).includes(known))) return;
      warn(...args);
    };
    const Provider = await load<ProviderConstructor>('oidc-provider');
    // The issuer needs the port: listen first, mount the provider's handler once it exists.
    const mounted: { handle?: (request: IncomingMessage, response: ServerResponse) => Promise<void> } = {};
    const server = createServer((request, response) => {
      if (mounted.handle === undefined) response.writeHead(503).end();
      else void mounted.handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const provider = new Provider(origin, {
      ...(await adapterOption(settings.oidcStore)),
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      clients: settings.clientIds.map((clientId) => ({
        client_id: clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE_CODE_GRANT_TYPE],
        response_types: [],
        redirect_uris: [],
      })),
      features: { deviceFlow: { enabled: true }, devInteractions: { enabled: false } },
      scopes: [SCOPE],
      findAccount: () => undefined,
      // Ours' default device code lifetime (Entra's); also silences the "default ttl" notice.
      ttl: { DeviceCode: 900 },
    });
    mounted.handle = provider.callback();
    return {
      origin,
      // Model API: what lib/actions/authorization/device.js does for each request.
      async fill(count, clientId) {
        const client = await provider.Client.find(clientId);
        if (client === undefined) throw new Error(`client ${clientId} not found`);
        const codes: string[] = [];
        for (let i = 0; i < count; i += 1) {
          const code = await new provider.DeviceCode({
            client,
            deviceInfo: { ip: '127.0.0.1', ua: 'devicelogin-bench' },
            params: { client_id: clientId, scope: SCOPE },
            userCode: userCode(),
          }).save();
          codes.push(code);
        }
        return codes;
      },
      files: () => Promise.resolve({}),
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  },
};
