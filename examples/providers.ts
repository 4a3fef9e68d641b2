/**
 * One configuration per provider profile. docs/client.md and docs/providers/*.md quote these
 * blocks; a test checks that the quotes still match this file.
 */
import { PublicClientApplication, type AuthenticationResult, type DeviceCodeInfo } from '@devicelogin/client';

const show = (info: DeviceCodeInfo): void => {
  console.error(info.message);
};

// --- entra: Microsoft Entra ID, v2 endpoints ---
export function entra(): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: '00000000-0000-0000-0000-000000000000',
      // Tenant: organizations (work or school accounts, the default), common (also personal
      // Microsoft accounts), consumers (personal accounts only), a tenant id or a domain.
      authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    },
    system: { language: 'fr' }, // Entra localises its own message (mkt=fr-FR)
  });
}

// --- entra: sovereign clouds ---
export async function entraUsGovernment(): Promise<AuthenticationResult> {
  const app = new PublicClientApplication({
    auth: {
      clientId: '00000000-0000-0000-0000-000000000000',
      authority: 'https://login.microsoftonline.us/11111111-1111-1111-1111-111111111111',
    },
  });
  return app.acquireTokenByDeviceCode({ scopes: ['https://graph.microsoft.us/.default'], onDeviceCode: show });
}

// --- entra-v1: Microsoft Entra ID, v1 endpoints (resource instead of scopes) ---
export async function entraV1(): Promise<AuthenticationResult> {
  const app = new PublicClientApplication({
    auth: {
      clientId: '00000000-0000-0000-0000-000000000000',
      authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      provider: 'entra-v1', // never inferred: Microsoft hosts mean `entra`
    },
  });
  return app.acquireTokenByDeviceCode({
    scopes: [],
    resource: 'https://management.core.windows.net/',
    onDeviceCode: show,
  });
}

// --- adfs: AD FS 2019 and later ---
export function adfs(): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: '22222222-2222-2222-2222-222222222222',
      authority: 'https://sts.contoso.com/adfs', // a first path segment "adfs" selects the profile
    },
  });
}

// --- github ---
export function github(): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: 'Iv1.0000000000000000', provider: 'github' }, // authority: https://github.com
  });
}

// --- github: GitHub Enterprise ---
export function githubEnterprise(): PublicClientApplication {
  return new PublicClientApplication({
    // *.ghe.com is recognised; a GitHub Enterprise Server host needs provider: 'github'.
    auth: { clientId: 'Iv1.0000000000000000', authority: 'https://github.example.com', provider: 'github' },
  });
}

// --- google ---
export function google(): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: '000000000000-xxxxxxxx.apps.googleusercontent.com',
      clientSecret: process.env.GOOGLE_CLIENT_SECRET ?? '', // required: the constructor rejects ''
      provider: 'google', // authority: https://accounts.google.com
    },
  });
}

// --- auth0 ---
export async function auth0(): Promise<AuthenticationResult> {
  const app = new PublicClientApplication({
    auth: { clientId: 'AbCdEf0123456789', authority: 'https://example.eu.auth0.com' },
  });
  return app.acquireTokenByDeviceCode({
    scopes: ['read:items'],
    extraParameters: { audience: 'https://api.example.com' }, // without it: an opaque token
    onDeviceCode: show,
  });
}

// --- okta ---
export function okta(): PublicClientApplication {
  return new PublicClientApplication({
    // The authorization server's issuer: /oauth2/default or /oauth2/{id}.
    auth: { clientId: '0oa0000000000000000', authority: 'https://example.okta.com/oauth2/default' },
  });
}

// --- keycloak ---
export function keycloak(): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: 'my-cli', authority: 'https://sso.example.com/realms/acme' },
  });
}

// --- generic: any provider with discovery ---
export function generic(): PublicClientApplication {
  return new PublicClientApplication({
    // {authority}/.well-known/openid-configuration, then RFC 8414's
    // {origin}/.well-known/oauth-authorization-server{path}.
    auth: { clientId: 'my-client', authority: 'https://id.example.com', provider: 'generic' },
  });
}

// --- explicit endpoints: no discovery request ---
export function explicitEndpoints(): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: 'my-client',
      endpoints: {
        deviceAuthorization: 'https://id.example.com/oauth/device',
        token: 'https://id.example.com/oauth/token',
        jwks: 'https://id.example.com/oauth/jwks', // needed if the provider returns id_tokens
        issuer: 'https://id.example.com', // checked against the id_token's iss; also the authority
      },
    },
  });
}
