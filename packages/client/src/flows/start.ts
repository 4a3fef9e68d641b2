import { formatScopes, processDeviceAuthorizationResponse } from '@devicelogin/protocol';
import type { ResolvedConfig } from '../config.js';
import { ConfigurationError, ServerError } from '../errors.js';
import { deviceCodeMessage, marketFor } from '../messages.js';
import type { ResolvedEndpoints } from '../authority/endpoints.js';
import type { DeviceCodeFlow, DeviceCodeInfo } from './device-code-flow.js';
import { classifyOAuthError, serverError } from './poll-errors.js';
import type { OperationContext } from './operation.js';
import { endpointName } from '../http.js';
import { loadJose } from '../jose.js';

/** What to ask for in a device code sign-in. */
export interface DeviceCodeRequest {
  /** Scopes to request; the provider's defaults (`openid profile offline_access` for Entra) are added. */
  readonly scopes: readonly string[];
  /** Entra v1 only: the resource URI. Derived from a `…/.default` scope when left out. */
  readonly resource?: string;
  /** A claims request (JSON), e.g. from a claims challenge. */
  readonly claims?: string;
  /** Extra parameters for the device authorization request (Auth0's `audience`, for instance). */
  readonly extraParameters?: Readonly<Record<string, string>>;
}

/** Parameters reserved by the protocol: `extraParameters` cannot override them. */
const RESERVED = new Set([
  'client_id',
  'scope',
  'resource',
  'claims',
  'client_secret',
  'grant_type',
  'device_code',
  'code',
]);

function checkRequest(request: DeviceCodeRequest): void {
  if (!Array.isArray(request.scopes)) throw new ConfigurationError('scopes', 'must be an array of strings');
  for (const scope of request.scopes) {
    if (typeof scope !== 'string' || scope === '' || /[\s,"\\]/.test(scope)) {
      throw new ConfigurationError('scopes', 'must contain non-empty scope names without spaces, commas or quotes');
    }
  }
  if (request.claims !== undefined) {
    try {
      JSON.parse(request.claims);
    } catch {
      throw new ConfigurationError('claims', 'is not valid JSON');
    }
  }
  for (const [key, value] of Object.entries(request.extraParameters ?? {})) {
    if (RESERVED.has(key)) throw new ConfigurationError(`extraParameters.${key}`, 'is set by the client itself');
    if (typeof value !== 'string') throw new ConfigurationError(`extraParameters.${key}`, 'must be a string');
  }
}

function resourceFor(request: DeviceCodeRequest): string {
  if (request.resource !== undefined && request.resource !== '') return request.resource;
  const defaultScope = request.scopes.find((s) => s.endsWith('/.default'));
  if (defaultScope !== undefined) return defaultScope.slice(0, -'/.default'.length);
  throw new ConfigurationError('resource', 'is required by Entra v1 endpoints (or pass a "<resource>/.default" scope)');
}

/**
 * Sends the device authorization request (RFC 8628 §3.1) and returns what to show the user
 * and the serialisable flow to poll with.
 */
export async function startFlow(
  config: ResolvedConfig,
  endpoints: ResolvedEndpoints,
  request: DeviceCodeRequest,
  context: OperationContext,
): Promise<{ readonly info: DeviceCodeInfo; readonly flow: DeviceCodeFlow }> {
  checkRequest(request);
  // Warm up the id_token verifier while the user is busy with the code.
  void loadJose().catch(() => undefined);
  const profile = config.profile;
  const scopes = formatScopes([...profile.defaultScopes, ...request.scopes])
    .split(' ')
    .filter((s) => s !== '');
  const resource = profile.scopeParameter === 'resource' ? resourceFor(request) : undefined;
  const url = new URL(endpoints.deviceAuthorization);
  if (profile.languageQueryParameter !== undefined)
    url.searchParams.set(profile.languageQueryParameter, marketFor(config.language));
  config.log('debug', `Requesting a device code from ${endpointName(endpoints.deviceAuthorization)}`);
  const response = await config.http.postForm(
    url.toString(),
    {
      ...request.extraParameters,
      client_id: config.clientId,
      scope: resource === undefined && scopes.length > 0 ? scopes.join(' ') : undefined,
      resource,
      claims: request.claims,
    },
    { signal: context.signal },
  );
  const processed = processDeviceAuthorizationResponse(response);
  if (processed.kind === 'http_error') {
    throw new ServerError(`The device authorization endpoint answered HTTP ${processed.status}.`, {
      status: processed.status,
    });
  }
  if (processed.kind === 'oauth_error') {
    const action = classifyOAuthError(processed.error, profile);
    throw action.action === 'fail' ? action.error : serverError(processed.error);
  }
  const value = processed.value;
  const interval = Math.max(1, value.interval ?? 5);
  const expiresAt = config.clock.now() + value.expiresIn * 1000;
  config.log('info', `Device code issued: expires in ${value.expiresIn} s, polling every ${interval} s`);
  const message = value.message ?? deviceCodeMessage(config.language, value.verificationUri, value.userCode);
  const flow: DeviceCodeFlow = Object.freeze({
    version: 1,
    clientId: config.clientId,
    authority: config.authority,
    provider: profile.name,
    tokenEndpoint: endpoints.token,
    jwksUri: endpoints.jwks,
    issuer: endpoints.issuer,
    deviceCode: value.deviceCode,
    userCode: value.userCode,
    verificationUri: value.verificationUri,
    verificationUriComplete: value.verificationUriComplete,
    expiresAt,
    interval,
    message,
    scopes: Object.freeze(scopes),
    resource,
    claims: request.claims,
  });
  const info: DeviceCodeInfo = Object.freeze({
    userCode: value.userCode,
    verificationUri: value.verificationUri,
    verificationUriComplete: value.verificationUriComplete,
    expiresAt: new Date(expiresAt),
    interval,
    message,
    raw: value.raw,
  });
  return { info, flow };
}
