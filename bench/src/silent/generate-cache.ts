/**
 * Generates an MSAL unified token cache document with N signed-in accounts of one Entra tenant,
 * shaped as msal-node 7 writes it (section names, field names, string timestamps, keys from
 * msal-node's `CacheHelpers`, `tenantProfiles`), so that ours and msal-node load the same file.
 */
import type { SerializedCache, SerializedCredential } from '@devicelogin/client';
import { fakeJwt } from './jwt.js';
import { accountKey, appMetadataKey, credentialKey } from './msal-keys.js';
import { SeededRandom } from './random.js';

/** The public cloud host every generated entry lives on. */
export const ENVIRONMENT = 'login.microsoftonline.com';

/** Client id of the generated tokens: a well-formed GUID that is registered nowhere. */
export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

/** Scopes of every cached access token, as MSAL stores them (space-separated target). */
export const TOKEN_SCOPES = ['user.read', 'mail.read'] as const;

/** Seconds since the epoch of 2100-01-01: "far in the future" for every expiry. */
const FAR_FUTURE = 4_102_444_800;

/** One generated account: what a caller passes to `acquireTokenSilent`, and what it must get. */
export interface GeneratedAccount {
  readonly homeAccountId: string;
  readonly environment: string;
  readonly tenantId: string;
  readonly username: string;
  readonly localAccountId: string;
  readonly name: string;
  /** The access token cached for this account: a cache hit must return exactly this. */
  readonly accessToken: string;
}

/** The account as both libraries' `AccountInfo` (what `getAccounts()` would have returned). */
export interface PlainAccountInfo {
  readonly homeAccountId: string;
  readonly environment: string;
  readonly tenantId: string;
  readonly username: string;
  readonly localAccountId: string;
  readonly name: string;
}

/** The `AccountInfo` of a generated account, without its token. */
export function accountInfoOf(account: GeneratedAccount): PlainAccountInfo {
  return {
    homeAccountId: account.homeAccountId,
    environment: account.environment,
    tenantId: account.tenantId,
    username: account.username,
    localAccountId: account.localAccountId,
    name: account.name,
  };
}

/** A generated cache: the JSON text both libraries load, and the accounts it holds. */
export interface GeneratedCache {
  readonly tenantId: string;
  /** `https://login.microsoftonline.com/<tenant>` */
  readonly authority: string;
  readonly clientId: string;
  /** The document as MSAL JSON text (what `deserialize` takes and what the cache file holds). */
  readonly text: string;
  readonly accounts: readonly GeneratedAccount[];
}

/** A fresh copy of the document (callers may own and mutate what they get). */
export function parseDocument(cache: GeneratedCache): SerializedCache {
  return JSON.parse(cache.text) as SerializedCache;
}

interface Entries {
  readonly account: GeneratedAccount;
  readonly add: (doc: SerializedCache) => void;
}

function entriesOf(index: number, tenantId: string, random: SeededRandom, now: number): Entries {
  const oid = random.guid();
  const homeAccountId = `${oid}.${tenantId}`;
  const username = `user${index}@contoso.example`;
  const name = `Bench User ${index}`;
  const issuer = `https://${ENVIRONMENT}/${tenantId}/v2.0`;
  const clientInfo = Buffer.from(JSON.stringify({ uid: oid, utid: tenantId }), 'utf8').toString('base64url');
  const idToken = fakeJwt(
    {
      aud: CLIENT_ID,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: FAR_FUTURE,
      name,
      oid,
      preferred_username: username,
      rh: `0.${random.base64url(60)}.`,
      sub: random.base64url(43),
      tid: tenantId,
      uti: random.base64url(22),
      ver: '2.0',
    },
    random,
  );
  // An access token the size of a real Microsoft Graph one (about 1.5 KB).
  const accessToken = fakeJwt(
    {
      aud: '00000003-0000-0000-c000-000000000000',
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: FAR_FUTURE,
      acct: 0,
      acr: '1',
      aio: random.base64url(120),
      amr: ['pwd', 'mfa'],
      app_displayname: 'devicelogin bench',
      appid: CLIENT_ID,
      appidacr: '0',
      idtyp: 'user',
      ipaddr: '203.0.113.7',
      name,
      oid,
      platf: '14',
      puid: random.bytes(8).toString('hex').toUpperCase(),
      rh: `0.${random.base64url(60)}.`,
      scp: TOKEN_SCOPES.map((s) => s.replace(/^\w/, (c) => c.toUpperCase())).join(' '),
      sub: random.base64url(43),
      tid: tenantId,
      unique_name: username,
      upn: username,
      uti: random.base64url(22),
      ver: '1.0',
      wids: ['b79fbf4d-3ef9-4689-8143-76b194e85509'],
      xms_tcdt: now - 86_400 * 365,
    },
    random,
  );
  const refreshToken = `1.${random.base64url(780)}`;
  const cachedAt = String(now);
  const target = TOKEN_SCOPES.join(' ');
  const account: GeneratedAccount = {
    homeAccountId,
    environment: ENVIRONMENT,
    tenantId,
    username,
    localAccountId: oid,
    name,
    accessToken,
  };
  const credentials: SerializedCredential[] = [
    {
      home_account_id: homeAccountId,
      environment: ENVIRONMENT,
      credential_type: 'IdToken',
      client_id: CLIENT_ID,
      secret: idToken,
      realm: tenantId,
    },
    {
      home_account_id: homeAccountId,
      environment: ENVIRONMENT,
      credential_type: 'AccessToken',
      client_id: CLIENT_ID,
      secret: accessToken,
      realm: tenantId,
      target,
      cached_at: cachedAt,
      expires_on: String(FAR_FUTURE),
      extended_expires_on: String(FAR_FUTURE + 3600),
      token_type: 'Bearer',
    },
    {
      home_account_id: homeAccountId,
      environment: ENVIRONMENT,
      credential_type: 'RefreshToken',
      client_id: CLIENT_ID,
      secret: refreshToken,
    },
  ];
  return {
    account,
    add(doc) {
      doc.Account[accountKey(homeAccountId, ENVIRONMENT, tenantId)] = {
        home_account_id: homeAccountId,
        environment: ENVIRONMENT,
        realm: tenantId,
        local_account_id: oid,
        username,
        authority_type: 'MSSTS',
        name,
        client_info: clientInfo,
        last_modification_time: cachedAt,
        tenantProfiles: [JSON.stringify({ tenantId, localAccountId: oid, name, isHomeTenant: true })],
      };
      for (const credential of credentials) {
        const section = credential.credential_type as 'IdToken' | 'AccessToken' | 'RefreshToken';
        doc[section][credentialKey({ ...credential, credential_type: section })] = credential;
      }
    },
  };
}

/**
 * A cache of `count` accounts, each with an id token, an access token for
 * {@link TOKEN_SCOPES} valid until 2100, a refresh token, plus the client's app metadata.
 * The same `count` and `seed` give the same document.
 */
export function generateCache(count: number, seed = 0x5eed): GeneratedCache {
  const random = new SeededRandom(seed ^ count);
  const tenantId = random.guid();
  const now = Math.floor(Date.now() / 1000);
  const doc: SerializedCache = { Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} };
  const accounts: GeneratedAccount[] = [];
  for (let index = 0; index < count; index++) {
    const entries = entriesOf(index, tenantId, random, now);
    entries.add(doc);
    accounts.push(entries.account);
  }
  doc.AppMetadata[appMetadataKey(ENVIRONMENT, CLIENT_ID)] = { client_id: CLIENT_ID, environment: ENVIRONMENT };
  return {
    tenantId,
    authority: `https://${ENVIRONMENT}/${tenantId}`,
    clientId: CLIENT_ID,
    text: JSON.stringify(doc),
    accounts,
  };
}
