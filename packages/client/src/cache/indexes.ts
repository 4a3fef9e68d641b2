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

function addTo(map: Map<string, Set<string>>, slot: string, key: string): void {
  let set = map.get(slot);
  if (set === undefined) map.set(slot, (set = new Set()));
  set.add(key);
}

function removeFrom(map: Map<string, Set<string>>, slot: string, key: string): void {
  const set = map.get(slot);
  if (set === undefined) return;
  set.delete(key);
  if (set.size === 0) map.delete(slot);
}

/**
 * Hash indexes over a cache document so that a lookup by account, client, realm and scheme
 * costs O(1) in the number of accounts and tokens (the bucket holds one account's tokens for
 * one client and tenant). Kept up to date entry by entry.
 */
export class CacheIndexes {
  readonly accessTokens = new Map<string, Set<string>>();
  readonly refreshTokens = new Map<string, Set<string>>();
  readonly idTokens = new Map<string, Set<string>>();
  readonly accountsByHome = new Map<string, Set<string>>();
  readonly accountsByUsername = new Map<string, Set<string>>();

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
    op: (map: Map<string, Set<string>>, slot: string, key: string) => void,
  ): void {
    switch (section) {
      case 'Account': {
        const account = value as SerializedAccount;
        op(this.accountsByHome, lower(account.home_account_id), key);
        if (typeof account.username === 'string' && account.username !== '') {
          op(this.accountsByUsername, lower(account.username), key);
        }
        return;
      }
      case 'AccessToken': {
        const c = value as SerializedCredential;
        op(
          this.accessTokens,
          accessTokenPartition(c.home_account_id, c.environment, c.client_id, c.realm ?? '', c.token_type ?? ''),
          key,
        );
        return;
      }
      case 'RefreshToken': {
        const c = value as SerializedCredential;
        const family = c.family_id !== undefined && c.family_id !== '' ? `foci-${c.family_id}` : c.client_id;
        op(this.refreshTokens, refreshTokenSlot(c.home_account_id, c.environment, family), key);
        return;
      }
      case 'IdToken': {
        const c = value as SerializedCredential;
        op(this.idTokens, idTokenSlot(c.home_account_id, c.environment, c.client_id, c.realm ?? ''), key);
        return;
      }
      case 'AppMetadata':
        return;
    }
  }
}
