/** The `fetch` signature the client uses (the WHATWG one; Node's global or an injected one). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/** True when the environment names an HTTP(S) proxy. */
export function proxyConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '');
}

/**
 * A fetch that honours `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (upper or lower case) through
 * undici's `EnvHttpProxyAgent`. Node 20's global fetch ignores these variables. undici is
 * imported on first use only, so clients without a proxy do not pay for loading it.
 */
export function createEnvProxyFetch(env: Readonly<Record<string, string | undefined>>): FetchLike {
  let loaded: Promise<FetchLike> | undefined;
  const load = async (): Promise<FetchLike> => {
    const undici = await import('undici');
    const pick = (name: string): string | undefined => env[name.toUpperCase()] ?? env[name];
    const httpProxy = pick('http_proxy');
    const httpsProxy = pick('https_proxy') ?? httpProxy;
    const noProxy = pick('no_proxy');
    const dispatcher = new undici.EnvHttpProxyAgent({
      ...(httpProxy === undefined ? {} : { httpProxy }),
      ...(httpsProxy === undefined ? {} : { httpsProxy }),
      ...(noProxy === undefined ? {} : { noProxy }),
    });
    return (input, init) =>
      // undici's own fetch is used with its dispatcher: Node's bundled undici may be another
      // version, and mixing the two is unsupported. Its Response is WHATWG-compatible.
      undici.fetch(input, { ...init, dispatcher } as Parameters<typeof undici.fetch>[1]);
  };
  return async (input, init) => {
    loaded ??= load();
    return (await loaded)(input, init);
  };
}
