/**
 * Cache keys built exactly as @azure/msal-node 7 builds them (`CacheHelpers.generateAccountKey`
 * and `generateCredentialKey`, without additional key components): fields joined by `-`, lower
 * case. packages/client/src/cache/keys.ts follows the same rules.
 */

/** `{home_account_id}-{environment}-{home tenant, else realm}` */
export function accountKey(homeAccountId: string, environment: string, realm: string): string {
  const homeTenant = homeAccountId.split('.')[1];
  return [homeAccountId, environment, homeTenant !== undefined && homeTenant !== '' ? homeTenant : realm]
    .join('-')
    .toLowerCase();
}

/** The fields of a credential its key is made of (MSAL's serialised names). */
export interface CredentialKeyFields {
  readonly home_account_id: string;
  readonly environment: string;
  readonly credential_type: 'IdToken' | 'AccessToken' | 'RefreshToken';
  readonly client_id: string;
  readonly family_id?: string;
  readonly realm?: string;
  readonly target?: string;
  readonly token_type?: string;
}

/**
 * `{home_account_id}-{environment}-{credential_type}-{family_id of a family refresh token, else
 * client_id}-{realm}-{target}-{scheme, empty for Bearer}`
 */
export function credentialKey(fields: CredentialKeyFields): string {
  const clientOrFamily =
    fields.credential_type === 'RefreshToken' && fields.family_id !== undefined && fields.family_id !== ''
      ? fields.family_id
      : fields.client_id;
  const scheme =
    fields.token_type !== undefined && fields.token_type.toLowerCase() !== 'bearer'
      ? fields.token_type.toLowerCase()
      : '';
  return [
    fields.home_account_id,
    fields.environment,
    fields.credential_type,
    clientOrFamily,
    fields.realm ?? '',
    fields.target ?? '',
    scheme,
  ]
    .join('-')
    .toLowerCase();
}

/** `appmetadata-{environment}-{client_id}` */
export function appMetadataKey(environment: string, clientId: string): string {
  return `appmetadata-${environment}-${clientId}`.toLowerCase();
}
