import { loadJose } from '../jose.js';
import { importDpopKey, type DpopKey, type StoredDpopKey } from './key.js';
import { DpopNonces } from './nonces.js';
import { athOf } from './proof.js';

/** How many tokens without a stored key are remembered (see {@link DpopState.rememberToken}). */
const MAX_UNSTORED_TOKENS = 32;

/**
 * The DPoP state of one client instance: server nonces, stored keys imported once (as
 * non-extractable CryptoKeys, by key id), and the keys of the few tokens whose key could not be
 * stored with an account (no id_token, or the cache write failed).
 */
export class DpopState {
  readonly nonces = new DpopNonces();
  readonly #imported = new Map<string, Promise<DpopKey>>();
  readonly #unstored = new Map<string, DpopKey>();

  /**
   * The signing key of a stored key, imported on first use.
   * @throws when the stored JWK is not a P-256 private key or does not match its key id.
   */
  keyOf(stored: StoredDpopKey): Promise<DpopKey> {
    let pending = this.#imported.get(stored.keyId);
    if (pending === undefined) {
      pending = (async () => {
        const key = await importDpopKey(await loadJose(), stored.privateJwk);
        if (key.keyId !== stored.keyId) throw new Error('the stored DPoP key does not match its key id');
        return key;
      })();
      this.#imported.set(stored.keyId, pending);
      pending.catch(() => this.#imported.delete(stored.keyId));
    }
    return pending;
  }

  /** Keeps in memory the key of a DPoP-bound token that could not be stored with an account. */
  rememberToken(accessToken: string, key: DpopKey): void {
    this.#unstored.set(athOf(accessToken), key);
    if (this.#unstored.size > MAX_UNSTORED_TOKENS) this.#unstored.delete(this.#unstored.keys().next().value!);
  }

  /** The key remembered by {@link rememberToken} for this token. */
  keyForToken(accessToken: string): DpopKey | undefined {
    return this.#unstored.get(athOf(accessToken));
  }
}
