import { issuerHost } from './environment.js';
import { ConfigurationError } from '../errors.js';
import type { ProviderName, ProviderProfile } from './profiles.js';

/** Microsoft login hosts of the public and sovereign clouds. */
const MICROSOFT_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
  'login.sts.microsoft.com',
]);

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Picks a provider profile from the authority's host when the configuration names none.
 * Only affects wire quirks; any host works with an explicit `provider`.
 */
export function inferProvider(authority: string | undefined, hasExplicitEndpoints: boolean): ProviderName {
  if (authority === undefined) return hasExplicitEndpoints ? 'generic' : 'entra';
  if (!URL.canParse(authority)) return 'generic';
  const url = new URL(authority);
  const host = url.hostname.toLowerCase();
  const firstSegment = url.pathname.split('/')[1]?.toLowerCase();
  if (firstSegment === 'adfs') return 'adfs';
  if (MICROSOFT_HOSTS.has(host)) return 'entra';
  if (host === 'github.com' || host.endsWith('.ghe.com')) return 'github';
  if (host === 'accounts.google.com') return 'google';
  if (host.endsWith('.auth0.com')) return 'auth0';
  if (host.endsWith('.okta.com') || host.endsWith('.oktapreview.com')) return 'okta';
  if (url.pathname.includes('/realms/')) return 'keycloak';
  return 'generic';
}

/**
 * Checks and normalises an authority URL: https (http only on loopback hosts, for development),
 * no query or fragment, no trailing slash. Entra authorities keep only the tenant segment
 * (`/v2.0` is dropped); AD FS ones are reduced to `{origin}/adfs`.
 * @throws {ConfigurationError} for `auth.authority`.
 */
export function normalizeAuthority(raw: string, profile: ProviderProfile): string {
  if (!URL.canParse(raw)) throw new ConfigurationError('auth.authority', 'is not an absolute URL');
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigurationError('auth.authority', 'must use https (http is allowed for loopback hosts only)');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigurationError('auth.authority', 'must not have a query or fragment');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError('auth.authority', 'must not contain credentials');
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (profile.name === 'entra' || profile.name === 'entra-v1') {
    const tenant = segments[0];
    if (tenant === undefined) {
      throw new ConfigurationError(
        'auth.authority',
        'must name a tenant: common, organizations, consumers, a tenant id or a domain',
      );
    }
    return `${url.origin}/${tenant}`;
  }
  if (profile.name === 'adfs') return `${url.origin}/adfs`;
  return segments.length === 0 ? url.origin : `${url.origin}/${segments.join('/')}`;
}

/**
 * Fills `{authority}`, `{origin}` and `{issuerorigin}` in an endpoint template. `{issuerorigin}`
 * is the origin Entra puts in token issuers: the cloud's network host for Microsoft aliases
 * (`login.windows.net` → `https://login.microsoftonline.com`), the authority's origin elsewhere.
 */
export function expandTemplate(template: string, authority: string): string {
  const url = new URL(authority);
  const issuer = issuerHost(url.hostname);
  return template
    .replaceAll('{authority}', authority)
    .replaceAll('{origin}', url.origin)
    .replaceAll('{issuerorigin}', issuer === url.hostname.toLowerCase() ? url.origin : `https://${issuer}`);
}
