import { cacheEnvironment } from '../authority/environment.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CacheIndexes, accessTokenPartition, idTokenSlot, refreshTokenSlot } from './indexes.js';
import type { CachePersistence, CacheVersion } from './persistence.js';
import {
  asSerializedCache,
  emptyCache,
  type SectionName,
  type SerializedAccount,
  type SerializedCache,
  type SerializedCredential,
} from './schema.js';
import { targetContains } from './scope-set.js';

/** One edit of the cache document. */
export interface CacheChange {
  readonly section: SectionName;
  readonly key: string;
  /** The new entry, or undefined to delete it. */
  readonly value: object | undefined;
}

/** Builds the changes of a write from the current document (fresh from disk when persisted). */
export type CacheMutation = (doc: Readonly<SerializedCache>) => readonly CacheChange[];

/** Query for a cached access token. */
export interface AccessTokenQuery {
  readonly homeAccountId: string;
  readonly environment: string;
  readonly clientId: string;
  readonly realm: string;
  /** `Bearer` or `DPoP`: the two are kept apart (MSAL's `AccessToken_With_AuthScheme`). */
  readonly tokenType: string;
  /** Lower-cased scopes, OIDC scopes removed (see `searchScopes`). */
  readonly scopes: readonly string[];
  /** Only tokens bound to this key (their `key_id`): a DPoP token is useless with another key. */
  readonly keyId?: string | undefined;
}

/** A cache entry with its key. */
export interface Keyed<T> {
  readonly key: string;
  readonly value: T;
}

/**
 * The token cache: MSAL's unified schema in memory, with hash indexes for O(1) lookups, and an
 * optional {@link CachePersistence} shared with other processes. Reads first check (one stat)
 * whether another process changed the store; writes are read-modify-write under the store's
 * lock, merged entry by entry with what others wrote.
 */
export class TokenCache {
  #doc: SerializedCache = emptyCache();
  #indexes = new CacheIndexes();
  #version: CacheVersion | undefined;
  readonly #persistence: CachePersistence | undefined;
  readonly #log: Logger;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { readonly persistence?: CachePersistence | undefined; readonly logger: Logger }) {
    this.#persistence = options.persistence;
    this.#log = options.logger;
  }

  /** Reloads from the persistence when (and only when) the stored cache changed. */
  async sync(): Promise<void> {
    if (this.#persistence === undefined) return;
    const loaded = await this.#persistence.load(this.#version);
    if (loaded === 'unchanged') return;
    this.#replace(loaded.data ?? emptyCache());
    this.#version = loaded.version;
  }

  /**
   * Applies a mutation: to the fresh stored document under the store's lock when persisted,
   * then to memory. Writes from one process are applied in call order.
   */
  write(mutation: CacheMutation): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#persistence === undefined) {
        this.#applyInMemory(mutation(this.#doc));
        return;
      }
      const written = await this.#persistence.update((current) => {
        for (const change of mutation(current)) applyChange(current, change);
        return current;
      });
      this.#replace(written.data ?? emptyCache());
      this.#version = written.version;
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** The cache as MSAL JSON text (the format of `TokenCache.serialize()` in msal-node). */
  serialize(): string {
    return JSON.stringify(this.#doc);
  }

  /**
   * Replaces the in-memory cache with MSAL JSON text (msal-node's `TokenCache.deserialize`).
   * @throws {ConfigurationError} when the text is not an MSAL cache document.
   */
  deserialize(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConfigurationError('cache', 'is not valid JSON');
    }
    const doc = asSerializedCache(parsed);
    if (doc === undefined) throw new ConfigurationError('cache', 'is not an MSAL token cache document');
    this.#replace(doc);
  }

  /** Every account entry (linear in the number of accounts). */
  accounts(): SerializedAccount[] {
    return Object.values(this.#doc.Account);
  }

  /** Account entries with this home account id (case-insensitive). */
  accountsByHomeId(homeAccountId: string): Keyed<SerializedAccount>[] {
    return this.#entries(this.#indexes.accountsByHome.get(homeAccountId.toLowerCase()));
  }

  /** Account entries with this username (case-insensitive). */
  accountsByUsername(username: string): Keyed<SerializedAccount>[] {
    return this.#entries(this.#indexes.accountsByUsername.get(username.toLowerCase()));
  }

  /**
   * The access token for the query whose scopes include every requested scope (and, with
   * `keyId`, bound to that key); among several, the one that expires last.
   */
  findAccessToken(query: AccessTokenQuery): Keyed<SerializedCredential> | undefined {
    const partition = accessTokenPartition(
      query.homeAccountId,
      query.environment,
      query.clientId,
      query.realm,
      query.tokenType,
    );
    let best: Keyed<SerializedCredential> | undefined;
    for (const candidate of this.#entries(this.#indexes.accessTokens.get(partition))) {
      if (!targetContains(candidate.value.target, query.scopes)) continue;
      if (query.keyId !== undefined && candidate.value.key_id !== query.keyId) continue;
      if (best === undefined || Number(candidate.value.expires_on) > Number(best.value.expires_on)) best = candidate;
    }
    return best;
  }

  /** Access tokens of one partition (for replacing overlapping tokens on write). */
  accessTokensOfPartition(
    homeAccountId: string,
    environment: string,
    clientId: string,
    realm: string,
    tokenType: string,
  ): Keyed<SerializedCredential>[] {
    return this.#entries(
      this.#indexes.accessTokens.get(accessTokenPartition(homeAccountId, environment, clientId, realm, tokenType)),
    );
  }

  /** The refresh token of an account for a client id, or for a family id (`foci-1`). */
  findRefreshToken(
    homeAccountId: string,
    environment: string,
    clientOrFamily: string,
  ): Keyed<SerializedCredential> | undefined {
    return this.#entries(
      this.#indexes.refreshTokens.get(refreshTokenSlot(homeAccountId, environment, clientOrFamily)),
    )[0];
  }

  /** The id token of an account for a client and tenant. */
  findIdToken(
    homeAccountId: string,
    environment: string,
    clientId: string,
    realm: string,
  ): Keyed<SerializedCredential> | undefined {
    return this.#entries(this.#indexes.idTokens.get(idTokenSlot(homeAccountId, environment, clientId, realm)))[0];
  }

  /** Every credential of an account in every section (linear; used when removing an account). */
  credentialsOf(homeAccountId: string, environment: string): { section: SectionName; key: string }[] {
    const home = homeAccountId.toLowerCase();
    const env = cacheEnvironment(environment);
    const out: { section: SectionName; key: string }[] = [];
    for (const section of ['AccessToken', 'RefreshToken', 'IdToken'] as const) {
      for (const [key, value] of Object.entries(this.#doc[section])) {
        if (value.home_account_id.toLowerCase() === home && cacheEnvironment(value.environment) === env)
          out.push({ section, key });
      }
    }
    return out;
  }

  /** The entries of an index bucket (which holds the document's own objects). */
  #entries<T>(bucket: ReadonlyMap<string, T> | undefined): Keyed<T>[] {
    if (bucket === undefined) return [];
    const out: Keyed<T>[] = [];
    for (const [key, value] of bucket) out.push({ key, value });
    return out;
  }

  #replace(doc: SerializedCache): void {
    this.#doc = doc;
    this.#indexes = CacheIndexes.of(doc);
    this.#log('debug', `Token cache loaded: ${Object.keys(doc.Account).length} accounts`);
  }

  #applyInMemory(changes: readonly CacheChange[]): void {
    for (const change of changes) {
      const section = this.#doc[change.section] as Record<string, object>;
      const previous = section[change.key];
      if (previous !== undefined) this.#indexes.remove(change.section, change.key, previous);
      applyChange(this.#doc, change);
      if (change.value !== undefined) this.#indexes.add(change.section, change.key, change.value);
    }
  }
}

/** Applies one change to a document in place (documents are owned by the cache: parsed or built here). */
function applyChange(doc: SerializedCache, change: CacheChange): void {
  const section = doc[change.section] as Record<string, object>;
  if (change.value === undefined) delete section[change.key];
  else section[change.key] = change.value;
}
