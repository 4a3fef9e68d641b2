/**
 * Microsoft cloud host aliases and the name MSAL writes into caches for each (msal-common's
 * instance discovery metadata, `preferred_cache`). Caches shared with MSAL must use the same
 * environment for the same user, or MSAL finds duplicate tokens and deletes them.
 */
const MICROSOFT_CLOUDS: readonly {
  readonly preferredNetwork?: string;
  readonly preferredCache: string;
  readonly aliases: readonly string[];
}[] = [
  {
    preferredNetwork: 'login.microsoftonline.com',
    preferredCache: 'login.windows.net',
    aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
  },
  {
    preferredCache: 'login.partner.microsoftonline.cn',
    aliases: ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'],
  },
  { preferredCache: 'login.microsoftonline.de', aliases: ['login.microsoftonline.de'] },
  { preferredCache: 'login.microsoftonline.us', aliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'] },
  { preferredCache: 'login-us.microsoftonline.com', aliases: ['login-us.microsoftonline.com'] },
  { preferredCache: 'login.sovcloud-identity.fr', aliases: ['login.sovcloud-identity.fr'] },
  { preferredCache: 'login.sovcloud-identity.de', aliases: ['login.sovcloud-identity.de'] },
  { preferredCache: 'login.sovcloud-identity.sg', aliases: ['login.sovcloud-identity.sg'] },
];

const PREFERRED: ReadonlyMap<string, string> = new Map(
  MICROSOFT_CLOUDS.flatMap((cloud) => cloud.aliases.map((alias) => [alias, cloud.preferredCache] as const)),
);

/**
 * The environment recorded in the cache for an authority host: MSAL's `preferred_cache` for
 * Microsoft clouds (`login.microsoftonline.com` → `login.windows.net`), the host itself (lower
 * case, with its port) for every other provider. Also the canonical form used to compare
 * environments, so that entries written under any alias are found.
 */
export function cacheEnvironment(host: string): string {
  const lower = host.toLowerCase();
  return PREFERRED.get(lower) ?? lower;
}

/** True when two environments name the same cloud (aliases included). */
export function sameEnvironment(a: string, b: string): boolean {
  return cacheEnvironment(a) === cacheEnvironment(b);
}

/**
 * Whether an account's environment is the host of `authority` (aliases of one Microsoft cloud
 * count as one): only then may this application send the account's refresh token anywhere. An
 * account of another provider (caches are shared between applications) is not this one's.
 */
export function ofAuthority(environment: string, authority: string): boolean {
  return sameEnvironment(environment, new URL(authority).host);
}

const NETWORK: ReadonlyMap<string, string> = new Map(
  MICROSOFT_CLOUDS.flatMap((cloud) =>
    cloud.aliases.map((alias) => [alias, cloud.preferredNetwork ?? cloud.preferredCache] as const),
  ),
);

/**
 * The host Entra puts in token issuers for an authority host: a cloud's `preferred_network`
 * (`login.windows.net` → `login.microsoftonline.com`), or the host itself elsewhere.
 */
export function issuerHost(host: string): string {
  const lower = host.toLowerCase();
  return NETWORK.get(lower) ?? lower;
}
