/**
 * MSAL's unified token cache format (the JSON every MSAL writes), as stored on disk.
 * Field names are MSAL's; timestamps are strings of epoch seconds. Unknown fields and sections
 * are kept as they are, so that a file shared with MSAL loses nothing.
 * @see ../shared/PROTOCOL-NOTES.md §D
 */

/** An `Account` entry. */
export interface SerializedAccount {
  home_account_id: string;
  environment: string;
  realm: string;
  local_account_id: string;
  username: string;
  authority_type: string;
  name?: string;
  client_info?: string;
  last_modification_time?: string;
  /** devicelogin extension: the thumbprint (RFC 7638) of the account's DPoP key. */
  dpop_key_id?: string;
  /**
   * devicelogin extension: the account's DPoP private key, a P-256 JWK. The cache file is
   * encrypted at rest; the text of `serialize()` holds it in the clear: never log it.
   */
  dpop_private_jwk?: Readonly<Record<string, unknown>>;
  [extra: string]: unknown;
}

/** An `AccessToken`, `RefreshToken` or `IdToken` entry. */
export interface SerializedCredential {
  home_account_id: string;
  environment: string;
  credential_type: string;
  client_id: string;
  secret: string;
  realm?: string;
  target?: string;
  cached_at?: string;
  expires_on?: string;
  extended_expires_on?: string;
  refresh_on?: string;
  token_type?: string;
  /** MSAL's key id of a bound token: for `DPoP`, the JWK SHA-256 thumbprint of the key. */
  key_id?: string;
  family_id?: string;
  /** devicelogin extension: the claims request the token was obtained with (MSAL ignores it). */
  requested_claims?: string;
  [extra: string]: unknown;
}

/** An `AppMetadata` entry. */
export interface SerializedAppMetadata {
  client_id: string;
  environment: string;
  family_id?: string;
  [extra: string]: unknown;
}

/** The five MSAL sections. */
export const SECTIONS = ['Account', 'IdToken', 'AccessToken', 'RefreshToken', 'AppMetadata'] as const;
/** One of {@link SECTIONS}. */
export type SectionName = (typeof SECTIONS)[number];

/** A whole cache document. Other top-level sections are preserved untouched. */
export interface SerializedCache {
  Account: Record<string, SerializedAccount>;
  IdToken: Record<string, SerializedCredential>;
  AccessToken: Record<string, SerializedCredential>;
  RefreshToken: Record<string, SerializedCredential>;
  AppMetadata: Record<string, SerializedAppMetadata>;
  [section: string]: unknown;
}

/** An empty cache document. */
export function emptyCache(): SerializedCache {
  return { Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that a parsed JSON value has the shape of an MSAL cache (an object whose known
 * sections, when present, are objects of objects) and fills missing sections. Entries with the
 * wrong shape make the document invalid: the caller treats it as corrupt.
 * @returns the document, or undefined when it is not a cache.
 */
export function asSerializedCache(value: unknown): SerializedCache | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = { ...value };
  for (const section of SECTIONS) {
    const entries = value[section];
    if (entries === undefined) {
      out[section] = {};
      continue;
    }
    if (!isRecord(entries) || !Object.values(entries).every(isRecord)) return undefined;
    out[section] = { ...entries };
  }
  return out as SerializedCache;
}
