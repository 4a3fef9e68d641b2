import type { AccountInfo } from '@devicelogin/client';

/** What the cache holds for one account (never the secrets). */
export interface AccountSummary {
  readonly account: AccountInfo;
  readonly accessTokens: readonly { readonly clientId: string; readonly scopes: string; readonly expiresOn: Date }[];
  readonly hasRefreshToken: boolean;
}

type Section = Record<string, Record<string, unknown>>;

function section(document: Record<string, unknown>, name: string): Section {
  const value = document[name];
  return typeof value === 'object' && value !== null ? (value as Section) : {};
}

function text(entry: Record<string, unknown>, field: string): string {
  const value = entry[field];
  return typeof value === 'string' ? value : '';
}

/**
 * Per-account token summary from the MSAL-format cache text (`getTokenCache().serialize()`):
 * access token scopes and expiry, whether a refresh token is there.
 */
export function summarizeCache(serialized: string, accounts: readonly AccountInfo[]): AccountSummary[] {
  const document = JSON.parse(serialized) as Record<string, unknown>;
  const access = Object.values(section(document, 'AccessToken'));
  const refresh = Object.values(section(document, 'RefreshToken'));
  const owns = (account: AccountInfo) => (entry: Record<string, unknown>) =>
    text(entry, 'home_account_id') === account.homeAccountId &&
    text(entry, 'environment').toLowerCase() === account.environment.toLowerCase();
  return accounts.map((account) => ({
    account,
    accessTokens: access.filter(owns(account)).map((entry) => ({
      clientId: text(entry, 'client_id'),
      scopes: text(entry, 'target'),
      expiresOn: new Date(Number(text(entry, 'expires_on')) * 1000),
    })),
    hasRefreshToken: refresh.some(owns(account)),
  }));
}
