/**
 * Provider profiles: each provider's wire quirks as data, so that the flows have a single code
 * path. See docs/providers/ and ../shared/PROTOCOL-NOTES.md §C.
 */

/** Names of the built-in provider profiles. */
export type ProviderName =
  'entra' | 'entra-v1' | 'adfs' | 'github' | 'google' | 'auth0' | 'okta' | 'keycloak' | 'generic';

/**
 * Endpoint URL templates. Placeholders: `{authority}` (the authority URL without trailing
 * slash), `{origin}` (scheme, host and port).
 */
export interface EndpointTemplates {
  readonly deviceAuthorization: string;
  readonly token: string;
  readonly jwks?: string;
  /** Expected id_token issuer; `{tenantid}` is replaced by the token's `tid` claim (Entra). */
  readonly issuer?: string;
}

/** How a poll error maps onto the client's outcomes. */
export type PollErrorKind =
  | 'pending'
  | 'slow_down'
  | 'declined'
  | 'expired'
  | 'bad_verification_code'
  | 'interaction_required'
  | 'flow_not_enabled';

/** A rule that recognises a "device flow not enabled for this client" error. */
export interface FlowNotEnabledRule {
  readonly error: string;
  /** When set, one of these AADSTS numbers must be in `error_codes`. */
  readonly errorCodes?: readonly number[];
  /** When set, `error_description` must contain this text (case-insensitive). */
  readonly descriptionIncludes?: string;
}

/** One provider's quirks. */
export interface ProviderProfile {
  readonly name: ProviderName;
  readonly displayName: string;
  /** Authority used when the configuration gives none. */
  readonly defaultAuthority: string | undefined;
  /** Endpoints from templates, or `discovery` (OIDC, then RFC 8414 metadata). */
  readonly endpoints: EndpointTemplates | 'discovery';
  readonly grantType: string;
  /** Name of the device code parameter on the token request (`code` for Entra v1). */
  readonly deviceCodeParameter: 'device_code' | 'code';
  /** `resource` for Entra v1, which takes a resource URI instead of scopes. */
  readonly scopeParameter: 'scope' | 'resource';
  /** Scopes always added to the request (MSAL adds `openid profile offline_access`). */
  readonly defaultScopes: readonly string[];
  /** `verify`: signature via JWKS + claims; `decode`: claims only (Entra v1 may send unsigned id_tokens). */
  readonly idToken: 'verify' | 'decode';
  /** Google requires the (non-confidential) client secret of installed apps on the token request. */
  readonly requiresClientSecret: boolean;
  /** Send `client_info=1` and read Entra's `client_info` for home account ids. */
  readonly clientInfo: boolean;
  /** Query parameter that localises the server's message (Entra: `mkt=fr-FR`). */
  readonly languageQueryParameter: string | undefined;
  /** Provider-specific error codes and their meaning (standard ones are built in). */
  readonly errorAliases: Readonly<Record<string, PollErrorKind>>;
  readonly flowNotEnabled: readonly FlowNotEnabledRule[];
  /** What to change at the provider when the flow is not enabled. */
  readonly flowNotEnabledHint: string;
}

const OIDC_SCOPES = Object.freeze(['openid', 'profile', 'offline_access']);
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const RFC_UNAUTHORIZED: FlowNotEnabledRule = { error: 'unauthorized_client' };

const base = {
  grantType: DEVICE_GRANT,
  deviceCodeParameter: 'device_code',
  scopeParameter: 'scope',
  idToken: 'verify',
  requiresClientSecret: false,
  clientInfo: false,
  languageQueryParameter: undefined,
  errorAliases: {},
  flowNotEnabled: [RFC_UNAUTHORIZED],
} as const;

const ENTRA_HINT =
  'In the Microsoft Entra admin center, open the app registration → Authentication → Advanced settings, set "Allow public client flows" to Yes, and save.';

/** The built-in profiles, by name. */
export const PROVIDER_PROFILES: Readonly<Record<ProviderName, ProviderProfile>> = Object.freeze({
  entra: {
    ...base,
    name: 'entra',
    displayName: 'Microsoft Entra ID',
    defaultAuthority: 'https://login.microsoftonline.com/organizations',
    endpoints: {
      deviceAuthorization: '{authority}/oauth2/v2.0/devicecode',
      token: '{authority}/oauth2/v2.0/token',
      jwks: '{authority}/discovery/v2.0/keys',
      issuer: '{issuerorigin}/{tenantid}/v2.0',
    },
    defaultScopes: OIDC_SCOPES,
    clientInfo: true,
    languageQueryParameter: 'mkt',
    flowNotEnabled: [{ error: 'invalid_client', errorCodes: [7000218] }, RFC_UNAUTHORIZED],
    flowNotEnabledHint: ENTRA_HINT,
  },
  'entra-v1': {
    ...base,
    name: 'entra-v1',
    displayName: 'Microsoft Entra ID (v1 endpoints)',
    defaultAuthority: 'https://login.microsoftonline.com/organizations',
    endpoints: {
      deviceAuthorization: '{authority}/oauth2/devicecode',
      token: '{authority}/oauth2/token',
    },
    grantType: 'device_code',
    deviceCodeParameter: 'code',
    scopeParameter: 'resource',
    defaultScopes: [],
    idToken: 'decode',
    languageQueryParameter: 'mkt',
    flowNotEnabled: [{ error: 'invalid_client', errorCodes: [7000218] }, RFC_UNAUTHORIZED],
    flowNotEnabledHint: ENTRA_HINT,
  },
  adfs: {
    ...base,
    name: 'adfs',
    displayName: 'AD FS',
    defaultAuthority: undefined,
    endpoints: 'discovery',
    defaultScopes: OIDC_SCOPES,
    flowNotEnabledHint:
      'On the AD FS server, allow the device code grant for this client (Grant-AdfsApplicationPermission / application group settings).',
  },
  github: {
    ...base,
    name: 'github',
    displayName: 'GitHub',
    defaultAuthority: 'https://github.com',
    endpoints: {
      deviceAuthorization: '{origin}/login/device/code',
      token: '{origin}/login/oauth/access_token',
    },
    defaultScopes: [],
    errorAliases: { incorrect_device_code: 'bad_verification_code' },
    flowNotEnabled: [{ error: 'device_flow_disabled' }, RFC_UNAUTHORIZED],
    flowNotEnabledHint:
      'In GitHub, open Settings → Developer settings → OAuth Apps (or GitHub Apps) → your app, tick "Enable Device Flow", and save.',
  },
  google: {
    ...base,
    name: 'google',
    displayName: 'Google',
    defaultAuthority: 'https://accounts.google.com',
    endpoints: 'discovery',
    defaultScopes: ['openid', 'email', 'profile'],
    requiresClientSecret: true,
    flowNotEnabled: [{ error: 'invalid_client', descriptionIncludes: 'client type' }, RFC_UNAUTHORIZED],
    flowNotEnabledHint:
      'In the Google Cloud console, create an OAuth client ID of type "TVs and Limited Input devices" and use its client id and secret.',
  },
  auth0: {
    ...base,
    name: 'auth0',
    displayName: 'Auth0',
    defaultAuthority: undefined,
    endpoints: 'discovery',
    defaultScopes: OIDC_SCOPES,
    flowNotEnabledHint:
      'In the Auth0 dashboard, open Applications → your application → Advanced Settings → Grant Types, enable "Device Code", and make it a Native application.',
  },
  okta: {
    ...base,
    name: 'okta',
    displayName: 'Okta',
    defaultAuthority: undefined,
    endpoints: 'discovery',
    defaultScopes: OIDC_SCOPES,
    flowNotEnabledHint:
      'In the Okta admin console, enable the "Device Authorization" grant type for this app integration and allow it in the authorization server access policy.',
  },
  keycloak: {
    ...base,
    name: 'keycloak',
    displayName: 'Keycloak',
    defaultAuthority: undefined,
    endpoints: 'discovery',
    defaultScopes: OIDC_SCOPES,
    flowNotEnabledHint:
      'In the Keycloak admin console, open Clients → your client → Settings → Capability config and turn on "OAuth 2.0 Device Authorization Grant".',
  },
  generic: {
    ...base,
    name: 'generic',
    displayName: 'OAuth 2.0 / OpenID Connect provider',
    defaultAuthority: undefined,
    endpoints: 'discovery',
    defaultScopes: [],
    flowNotEnabledHint: "Allow the device authorization grant (RFC 8628) for this client in the provider's settings.",
  },
} satisfies Record<ProviderName, ProviderProfile>);

/** True when `name` is one of the built-in provider names. */
export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDER_PROFILES, name);
}
