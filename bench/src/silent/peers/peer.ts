import type { GeneratedCache } from '../generate-cache.js';

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
