import type { SerializedAccount } from '../cache/schema.js';
import { asPrivateJwk, type StoredDpopKey } from './key.js';

/**
 * Fields of an `Account` entry that hold the account's DPoP key (devicelogin extensions, like
 * `requested_claims` on credentials; MSAL keeps unknown fields when it rewrites an entry). The
 * key lives and dies with the account: removing the account removes it.
 */
export const DPOP_KEY_FIELDS = Object.freeze({ keyId: 'dpop_key_id', privateJwk: 'dpop_private_jwk' } as const);

/** The DPoP key stored with an account entry, if it has a well-formed one. */
export function storedKeyOf(account: SerializedAccount): StoredDpopKey | undefined {
  const keyId = account[DPOP_KEY_FIELDS.keyId];
  const privateJwk = asPrivateJwk(account[DPOP_KEY_FIELDS.privateJwk]);
  if (typeof keyId !== 'string' || keyId === '' || privateJwk === undefined) return undefined;
  return { keyId, privateJwk };
}

/** The key id of an account's DPoP key, without checking the JWK (for cache lookups). */
export function storedKeyIdOf(account: SerializedAccount): string | undefined {
  const keyId = account[DPOP_KEY_FIELDS.keyId];
  return typeof keyId === 'string' && keyId !== '' ? keyId : undefined;
}

/** An account entry with `key` as its DPoP key (`null`: without one). */
export function withStoredKey(account: SerializedAccount, key: StoredDpopKey | null): SerializedAccount {
  const out: SerializedAccount = { ...account };
  delete out[DPOP_KEY_FIELDS.keyId];
  delete out[DPOP_KEY_FIELDS.privateJwk];
  if (key === null) return out;
  return { ...out, [DPOP_KEY_FIELDS.keyId]: key.keyId, [DPOP_KEY_FIELDS.privateJwk]: { ...key.privateJwk } };
}
