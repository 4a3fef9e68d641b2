import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { Clock } from '@devicelogin/protocol';
import { randomToken } from '../crypto.js';
import type { Store } from '../store/store.js';

/** The algorithm of signing keys: RS256, the one every OIDC client and MSAL accept. */
export const SIGNING_ALG = 'RS256';

/** The key that signs now. */
export interface ActiveKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

/**
 * Signing keys kept in the store: the newest live key signs; every live key is published in
 * JWKS, so tokens signed before a rotation still verify. Loaded once and cached; `rotate()`
 * adds a key and retires the previous one (kept in JWKS until retired keys are purged).
 */
export class SigningKeys {
  readonly #store: Store;
  readonly #clock: Clock;
  #active: Promise<ActiveKey> | undefined;
  #jwks: Promise<{ keys: JWK[] }> | undefined;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** The key that signs new tokens (created on first use when the store has none). */
  active(): Promise<ActiveKey> {
    return (this.#active ??= this.#loadActive().catch((error: unknown) => {
      this.#active = undefined;
      throw error;
    }));
  }

  /** The public keys (JWKS document). */
  jwks(): Promise<{ keys: JWK[] }> {
    return (this.#jwks ??= (async () => {
      await this.active();
      const keys = await this.#store.signingKeys();
      return { keys: keys.map((k) => JSON.parse(k.publicJwk) as JWK) };
    })());
  }

  /** Adds a new key and retires the current one (it stays in JWKS). */
  async rotate(): Promise<string> {
    const current = (await this.#store.signingKeys())[0];
    const kid = await this.#create();
    if (current !== undefined) await this.#store.retireSigningKey(current.kid, this.#clock.now());
    this.#active = undefined;
    this.#jwks = undefined;
    return kid;
  }

  async #loadActive(): Promise<ActiveKey> {
    let newest = (await this.#store.signingKeys()).find((k) => k.retiredAt === undefined);
    if (newest === undefined) {
      await this.#create();
      newest = (await this.#store.signingKeys()).find((k) => k.retiredAt === undefined);
    }
    if (newest === undefined) throw new Error('no signing key could be created');
    const privateKey = (await importJWK(JSON.parse(newest.privateJwk) as JWK, SIGNING_ALG)) as CryptoKey;
    return { kid: newest.kid, privateKey };
  }

  async #create(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const kid = randomToken(12);
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
    await this.#store.addSigningKey({
      kid,
      alg: SIGNING_ALG,
      privateJwk: JSON.stringify(privateJwk),
      publicJwk: JSON.stringify(publicJwk),
      createdAt: this.#clock.now(),
      retiredAt: undefined,
    });
    return kid;
  }
}
