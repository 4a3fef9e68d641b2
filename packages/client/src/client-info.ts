import { InvalidResponseError } from '@devicelogin/protocol';

/** Entra's `client_info`: the user's object id and home tenant id. */
export interface ClientInfo {
  readonly uid: string;
  readonly utid: string;
}

/**
 * Decodes Entra's `client_info` (base64url JSON `{uid, utid}`).
 * @throws {InvalidResponseError} naming `client_info` when it is not such a document.
 */
export function decodeClientInfo(encoded: string): ClientInfo {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new InvalidResponseError('client_info', 'is not base64url-encoded JSON', { cause });
  }
  const record = value as { uid?: unknown; utid?: unknown } | null;
  if (typeof record?.uid !== 'string' || typeof record.utid !== 'string') {
    throw new InvalidResponseError('client_info', 'lacks uid or utid');
  }
  return Object.freeze({ uid: record.uid, utid: record.utid });
}
