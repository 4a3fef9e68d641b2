import { sameEnvironment } from '../authority/environment.js';
import type { TokenResponse } from '@devicelogin/protocol';
import type { AccountInfo } from '../account.js';
import type { ProviderName } from '../authority/profiles.js';
import { accountKey, appMetadataKey, credentialKey } from './keys.js';
import type { SerializedAccount, SerializedAppMetadata, SerializedCredential } from './schema.js';
import { targetsIntersect } from './scope-set.js';
import type { CacheChange, CacheMutation } from './token-cache.js';
import { withStoredKey } from '../dpop/account-key.js';
import type { StoredDpopKey } from '../dpop/key.js';

/** Lifetime stored for tokens the provider says never expire (GitHub OAuth apps): 10 years. */
const NON_EXPIRING_SECONDS = 10 * 365 * 24 * 3600;

/** Everything a sign-in or refresh adds to the cache. */
export interface CacheRecordInput {
  readonly tokens: TokenResponse;
  readonly account: AccountInfo;
  readonly clientId: string;
  readonly provider: ProviderName;
  /** Scopes that were requested, used when the server does not echo `scope`. */
  readonly requestedScopes: readonly string[];
  /** The claims request the tokens were obtained with, if any. */
  readonly claims: string | undefined;
  /** Epoch ms when the response arrived. */
  readonly receivedAt: number;
  /**
   * The thumbprint of the DPoP key the request was made with: stored as the `key_id` of a
   * `DPoP` access token (MSAL's field for bound tokens).
   */
  readonly dpopKeyId?: string | undefined;
  /**
   * The account's DPoP key after this response: a key to store with the account, `null` to
   * remove the account's key (a sign-in without DPoP), undefined to leave it as it is (a refresh).
   */
  readonly accountKey?: StoredDpopKey | null | undefined;
}

function authorityType(provider: ProviderName): string {
  if (provider === 'entra' || provider === 'entra-v1') return 'MSSTS';
  if (provider === 'adfs') return 'ADFS';
  return 'Generic';
}

const seconds = (ms: number): string => String(Math.floor(ms / 1000));

/** Credential and app metadata fields this module writes; any other field came from another MSAL. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'home_account_id',
  'environment',
  'credential_type',
  'client_id',
  'secret',
  'realm',
  'target',
  'cached_at',
  'expires_on',
  'extended_expires_on',
  'refresh_on',
  'token_type',
  'key_id',
  'family_id',
  'requested_claims',
]);

/**
 * The fields of an entry about to be rewritten under the same key that this module does not
 * write (added by a newer MSAL): kept, as msal-node keeps them (it merges into the stored entry).
 * Known fields are not carried over, so that a stale `refresh_on` or claims request never sticks.
 */
function unknownFields(existing: object | undefined): Record<string, unknown> {
  if (existing === undefined) return {};
  return Object.fromEntries(Object.entries(existing).filter(([field]) => !KNOWN_FIELDS.has(field)));
}

/**
 * The cache changes of a token response, in MSAL's schema: the account, its id token, the
 * access token (replacing tokens of the same account, client, tenant and scheme whose scopes
 * overlap, as MSAL does), the rotated refresh token and the app metadata.
 */
export function recordMutation(input: CacheRecordInput): CacheMutation {
  const { tokens, account, clientId } = input;
  const home = account.homeAccountId;
  const environment = account.environment;
  const realm = account.tenantId;
  const now = input.receivedAt;
  return (doc) => {
    const changes: CacheChange[] = [];
    let accountEntity: SerializedAccount = {
      ...doc.Account[accountKey(home, environment, realm)],
      home_account_id: home,
      environment,
      realm,
      local_account_id: account.localAccountId,
      username: account.username,
      authority_type: authorityType(input.provider),
      ...(account.name === undefined ? {} : { name: account.name }),
      ...(tokens.clientInfo === undefined ? {} : { client_info: tokens.clientInfo }),
      last_modification_time: seconds(now),
    };
    if (input.accountKey !== undefined) accountEntity = withStoredKey(accountEntity, input.accountKey);
    changes.push({ section: 'Account', key: accountKey(home, environment, realm), value: accountEntity });

    if (tokens.idToken !== undefined) {
      const idToken: SerializedCredential = {
        home_account_id: home,
        environment,
        credential_type: 'IdToken',
        client_id: clientId,
        secret: tokens.idToken,
        realm,
      };
      const idKey = credentialKey(idToken);
      changes.push({ section: 'IdToken', key: idKey, value: { ...unknownFields(doc.IdToken[idKey]), ...idToken } });
    }

    const target = (tokens.scopes ?? input.requestedScopes).map((s) => s.toLowerCase()).join(' ');
    const bearer = tokens.tokenType === 'Bearer';
    const accessToken: SerializedCredential = {
      home_account_id: home,
      environment,
      credential_type: bearer ? 'AccessToken' : 'AccessToken_With_AuthScheme',
      client_id: clientId,
      secret: tokens.accessToken,
      realm,
      target,
      cached_at: seconds(now),
      expires_on: seconds(now + (tokens.expiresIn ?? NON_EXPIRING_SECONDS) * 1000),
      extended_expires_on: seconds(now + (tokens.extExpiresIn ?? tokens.expiresIn ?? NON_EXPIRING_SECONDS) * 1000),
      ...(tokens.refreshIn === undefined ? {} : { refresh_on: seconds(now + tokens.refreshIn * 1000) }),
      token_type: tokens.tokenType,
      ...(!bearer && input.dpopKeyId !== undefined ? { key_id: input.dpopKeyId } : {}),
      ...(input.claims === undefined ? {} : { requested_claims: input.claims }),
    };
    const atKey = credentialKey(accessToken);
    // The account's key after this write: DPoP tokens bound to any other key are useless.
    const accountKeyId = input.accountKey === undefined ? undefined : (input.accountKey?.keyId ?? null);
    for (const [key, existing] of Object.entries(doc.AccessToken)) {
      if (key === atKey) continue;
      if (
        existing.home_account_id !== home ||
        !sameEnvironment(existing.environment, environment) ||
        existing.client_id !== clientId
      ) {
        continue;
      }
      const type = (existing.token_type ?? 'Bearer').toLowerCase();
      const replaced =
        (existing.realm ?? '') === realm &&
        type === tokens.tokenType.toLowerCase() &&
        targetsIntersect(existing.target, target);
      const unbound = accountKeyId !== undefined && type === 'dpop' && existing.key_id !== accountKeyId;
      if (replaced || unbound) changes.push({ section: 'AccessToken', key, value: undefined });
    }
    changes.push({
      section: 'AccessToken',
      key: atKey,
      value: { ...unknownFields(doc.AccessToken[atKey]), ...accessToken },
    });

    if (tokens.refreshToken !== undefined) {
      const refreshToken: SerializedCredential = {
        home_account_id: home,
        environment,
        credential_type: 'RefreshToken',
        client_id: clientId,
        secret: tokens.refreshToken,
        ...(tokens.familyId === undefined ? {} : { family_id: tokens.familyId }),
      };
      const rtKey = credentialKey(refreshToken);
      changes.push({
        section: 'RefreshToken',
        key: rtKey,
        value: { ...unknownFields(doc.RefreshToken[rtKey]), ...refreshToken },
      });
    }

    const metadata: SerializedAppMetadata = {
      client_id: clientId,
      environment,
      ...(tokens.familyId === undefined ? {} : { family_id: tokens.familyId }),
    };
    const metadataKey = appMetadataKey(environment, clientId);
    changes.push({
      section: 'AppMetadata',
      key: metadataKey,
      value: { ...unknownFields(doc.AppMetadata[metadataKey]), ...metadata },
    });
    return changes;
  };
}
