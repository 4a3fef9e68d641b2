/**
 * Cache keys exactly as @azure/msal-node 7 builds them (msal-node `CacheHelpers`), lower-cased
 * and joined by `-`, so that files are shared with MSAL without duplicates.
 */

/** `{home_account_id}-{environment}-{home tenant or realm}` */
export function accountKey(homeAccountId: string, environment: string, realm: string): string {
  const homeTenant = homeAccountId.split('.')[1];
  return [homeAccountId, environment, homeTenant !== undefined && homeTenant !== '' ? homeTenant : realm]
    .join('-')
    .toLowerCase();
}

/** The fields a credential key is made of. */
export interface CredentialKeyParts {
  readonly home_account_id: string;
  readonly environment: string;
  readonly credential_type: string;
  readonly client_id: string;
  readonly family_id?: string | undefined;
  readonly realm?: string | undefined;
  readonly target?: string | undefined;
  readonly token_type?: string | undefined;
}

/**
 * `{home_account_id}-{environment}-{credential_type}-{family_id for family refresh tokens, else
 * client_id}-{realm}-{target}-{scheme, empty for Bearer}`
 */
export function credentialKey(parts: CredentialKeyParts): string {
  const clientOrFamily =
    parts.credential_type === 'RefreshToken' && parts.family_id !== undefined && parts.family_id !== ''
      ? parts.family_id
      : parts.client_id;
  const scheme =
    parts.token_type !== undefined && parts.token_type.toLowerCase() !== 'bearer' ? parts.token_type.toLowerCase() : '';
  return [
    parts.home_account_id,
    parts.environment,
    parts.credential_type,
    clientOrFamily,
    parts.realm ?? '',
    parts.target ?? '',
    scheme,
  ]
    .join('-')
    .toLowerCase();
}

/** `appmetadata-{environment}-{client_id}` */
export function appMetadataKey(environment: string, clientId: string): string {
  return `appmetadata-${environment}-${clientId}`.toLowerCase();
}
