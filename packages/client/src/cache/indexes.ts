import { cacheEnvironment } from '../authority/environment.js';
import type { SerializedAccount, SerializedCache, SerializedCredential, SectionName } from './schema.js';

const lower = (s: string | undefined): string => (s ?? '').toLowerCase();
/** Environments are compared in canonical form: Microsoft aliases name one cloud. */
const env = (s: string): string => cacheEnvironment(s);

/** Partition of an access token: everything but the scopes. */
export function accessTokenPartition(
  home: string,
  environment: string,
  clientId: string,
  realm: string,
  tokenType: string,
): string {
  const scheme = lower(tokenType) === 'bearer' || tokenType === '' ? '' : lower(tokenType);
  return [lower(home), env(environment), lower(clientId), lower(realm), scheme].join('|');
}

/** Slot of a refresh token: the account and the client id or family id. */
export function refreshTokenSlot(home: string, environment: string, clientOrFamily: string): string {
  return [lower(home), env(environment), lower(clientOrFamily)].join('|');
}

/** Slot of an id token. */
export function idTokenSlot(home: string, environment: string, clientId: string, realm: string): string {
  return [lower(home), env(environment), lower(clientId), lower(realm)].join('|');
}

/**
 * The entries of one slot by cache key: the very objects of the cache document, so that a
 * lookup reads them without a second probe of a section holding every account's entries (at
 * 10,000 accounts that probe is a cache miss; measured by bench/silent).
 */
export type Bucket<T> = Map<string, T>;

function addTo<T>(map: Map<string, Bucket<T>>, slot: string, key: string, value: T): void {
  let bucket = map.get(slot);
  if (bucket === undefined) map.set(slot, (bucket = new Map<string, T>()));
  bucket.set(key, value);
}

function removeFrom<T>(map: Map<string, Bucket<T>>, slot: string, key: string, _value: T): void {
  const bucket = map.get(slot);
  if (bucket === undefined) return;
  bucket.delete(key);
  if (bucket.size === 0) map.delete(slot);
}

/**
 * Hash indexes over a cache document so that a lookup by account, client, realm and scheme
 * costs O(1) in the number of accounts and tokens (the bucket holds one account's tokens for
 * one client and tenant). Kept up to date entry by entry: a replaced entry is removed with its
 * old value and added with the new one, so the buckets always hold the document's objects.
 */
export class CacheIndexes {
  readonly accessTokens = new Map<string, Bucket<SerializedCredential>>();
  readonly refreshTokens = new Map<string, Bucket<SerializedCredential>>();
  readonly idTokens = new Map<string, Bucket<SerializedCredential>>();
  readonly accountsByHome = new Map<string, Bucket<SerializedAccount>>();
  readonly accountsByUsername = new Map<string, Bucket<SerializedAccount>>();

  /** Builds the indexes of a whole document. */
  static of(doc: SerializedCache): CacheIndexes {
    const indexes = new CacheIndexes();
    for (const section of ['Account', 'AccessToken', 'RefreshToken', 'IdToken'] as const) {
      for (const [key, value] of Object.entries(doc[section] as Record<string, object>))
        indexes.add(section, key, value);
    }
    return indexes;
  }

  /** Indexes one entry. */
  add(section: SectionName, key: string, value: object): void {
    this.#apply(section, key, value, addTo);
  }

  /** Un-indexes one entry. */
  remove(section: SectionName, key: string, value: object): void {
    this.#apply(section, key, value, removeFrom);
  }

  #apply(
    section: SectionName,
    key: string,
    value: object,
    op: <T>(map: Map<string, Bucket<T>>, slot: string, key: string, value: T) => void,
  ): void {
    switch (section) {
      case 'Account': {
        const account = value as SerializedAccount;
        op(this.accountsByHome, lower(account.home_account_id), key, account);
        if (typeof account.username === 'string' && account.username !== '') {
          op(this.accountsByUsername, lower(account.username), key, account);
        }
        return;
      }
      case 'AccessToken': {
        const c = value as SerializedCredential;
        op(
          this.accessTokens,
          accessTokenPartition(c.home_account_id, c.environment, c.client_id, c.realm ?? '', c.token_type ?? ''),
          key,
          c,
        );
        return;
      }
      case 'RefreshToken': {
        const c = value as SerializedCredential;
        const family = c.family_id !== undefined && c.family_id !== '' ? `foci-${c.family_id}` : c.client_id;
        op(this.refreshTokens, refreshTokenSlot(c.home_account_id, c.environment, family), key, c);
        return;
      }
      case 'IdToken': {
        const c = value as SerializedCredential;
        op(this.idTokens, idTokenSlot(c.home_account_id, c.environment, c.client_id, c.realm ?? ''), key, c);
        return;
      }
      case 'AppMetadata':
        return;
    }
  }
}
