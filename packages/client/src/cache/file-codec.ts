import { isCacheEnvelope, openCacheEnvelope, sealCacheEnvelope } from './encryption.js';
import type { KeyProvider } from './key-provider.js';
import { asSerializedCache, type SerializedCache } from './schema.js';

/** A decoded cache file: the document, or why it is unreadable (a reason that quotes no content). */
export type Decoded =
  { readonly ok: true; readonly data: SerializedCache } | { readonly ok: false; readonly reason: string };

/** Turns the bytes of the cache file into a document and back. */
export interface FileCodec {
  decode(bytes: Buffer): Promise<Decoded>;
  /** Called with the cache lock held (it may create the key). */
  encode(data: SerializedCache): Promise<Uint8Array>;
}

function decodeJson(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the file: never pass it on.
    return { ok: false, reason: 'the file is not valid JSON (truncated or overwritten?)' };
  }
  if (isCacheEnvelope(value)) return { ok: false, reason: 'the file is encrypted but the cache is set to plaintext' };
  const data = asSerializedCache(value);
  return data === undefined ? { ok: false, reason: 'the JSON is not a token cache document' } : { ok: true, data };
}

/** MSAL's JSON as it is (compact), for plaintext caches. */
export const plaintextCodec: FileCodec = {
  decode: (bytes) => Promise.resolve(decodeJson(bytes.toString('utf8'))),
  encode: (data) => Promise.resolve(Buffer.from(JSON.stringify(data), 'utf8')),
};

/**
 * The JSON inside an AES-256-GCM envelope (see encryption.ts). The key is fetched once; it is
 * created (by `encode`, under the lock) only when none exists yet.
 */
export function encryptedCodec(provider: KeyProvider): FileCodec {
  let key: Uint8Array | undefined;
  return {
    async decode(bytes) {
      key ??= await provider.getKey();
      if (key === undefined) return { ok: false, reason: `no key for it is stored in ${provider.description}` };
      const opened = openCacheEnvelope(bytes, key);
      return opened.ok ? decodeJson(opened.plaintext.toString('utf8')) : opened;
    },
    async encode(data) {
      key ??= (await provider.getKey()) ?? (await provider.createKey());
      return sealCacheEnvelope(Buffer.from(JSON.stringify(data), 'utf8'), key);
    },
  };
}
