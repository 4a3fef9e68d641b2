import { accountInfoOf, type GeneratedCache, type PlainAccountInfo } from '../generate-cache.js';

/** Where the peer keeps its cache: memory only, or a file shared between processes. */
export type CacheMode = 'memory' | 'file';

/** What one silent call returned, checked by the harness against the generated cache. */
export interface SilentOutcome {
  readonly accessToken: string;
  readonly fromCache: boolean;
}

/**
 * One library measured by the silent benchmark, loaded with one cache document. Every peer
 * adapts to this shape, so the harness treats ours and msal-node alike.
 */
export interface SilentPeer {
  /** Display name: the npm package and its version. */
  readonly name: string;
  /** How the cache is held in this mode, shown under the table. */
  readonly setup: string;
  /**
   * Builds the client and gives it the document: `deserialize` in memory, or a pre-written
   * cache file the client reads through its persistence. Never touches the network.
   */
  load(cache: GeneratedCache): Promise<void>;
  /** `acquireTokenSilent` for the account at this index of the generated cache. */
  silent(accountIndex: number): Promise<SilentOutcome>;
  /** Lists every account (`getAccounts` / `getAllAccounts`); resolves to how many. */
  accounts(): Promise<number>;
  /** How many network requests the client attempted (each one failed): must stay 0. */
  networkAttempts(): number;
}

/** Makes a peer for one mode; `directory` is a private temporary directory for its files. */
export type SilentPeerFactory = (mode: CacheMode, directory: string) => SilentPeer;

/** The error a peer's network port throws: nothing in this benchmark may go to the network. */
export class NetworkForbiddenError extends Error {
  constructor(url: string) {
    super(`network request attempted during the silent benchmark: ${url}`);
    this.name = 'NetworkForbiddenError';
  }
}

/** A peer's network port bookkeeping: it refuses every request, and counts them. Its functions need no `this`. */
export interface ForbiddenNetwork {
  /** Counts one attempted request and rejects it with {@link NetworkForbiddenError}. */
  readonly refuse: (url: string) => Promise<never>;
  /** How many requests were refused so far (`SilentPeer.networkAttempts`). */
  readonly attempts: () => number;
}

/** Starts the count of a peer's network port, at 0 attempts: see {@link ForbiddenNetwork}. */
export function forbiddenNetwork(): ForbiddenNetwork {
  let attempts = 0;
  return {
    refuse: (url) => {
      attempts++;
      return Promise.reject(new NetworkForbiddenError(url));
    },
    attempts: () => attempts,
  };
}

/** What the measured calls need of a client: ours and msal-node's (whose API ours follows) alike. */
export interface SilentClient {
  acquireTokenSilent(request: { account: PlainAccountInfo; scopes: string[] }): Promise<SilentOutcome>;
}

/** The measured calls of a peer, and how its `load()` hands them the client it built. */
export interface MeasuredCalls<Client extends SilentClient> extends Pick<SilentPeer, 'silent' | 'accounts'> {
  /** Keeps `client` and the accounts of `cache` (as `AccountInfo`) for the calls that follow. */
  loaded(client: Client, cache: GeneratedCache): void;
}

/**
 * The calls every peer answers the same way once loaded: `silent(i)` is `acquireTokenSilent`
 * for the i-th account of the generated cache and `User.Read`, `accounts()` counts what
 * `listAccounts` returns (each library names that call its own way). Both throw before `loaded()`.
 */
export function measuredCalls<Client extends SilentClient>(
  listAccounts: (client: Client) => Promise<readonly unknown[]>,
): MeasuredCalls<Client> {
  let app: Client | undefined;
  let accounts: readonly PlainAccountInfo[] = [];

  function client(): Client {
    if (app === undefined) throw new Error('load() first');
    return app;
  }

  return {
    loaded(built, cache) {
      app = built;
      accounts = cache.accounts.map(accountInfoOf);
    },
    async silent(accountIndex: number) {
      const account = accounts[accountIndex];
      if (account === undefined) throw new RangeError(`no account ${accountIndex}`);
      const result = await client().acquireTokenSilent({ account, scopes: ['User.Read'] });
      return { accessToken: result.accessToken, fromCache: result.fromCache };
    },
    async accounts() {
      return (await listAccounts(client())).length;
    },
  };
}
