import type { ServerContext } from '../context.js';
import { oauthErrors } from '../errors.js';

/** Route parameters of every per-tenant endpoint. */
export interface TenantParams {
  readonly tenant: string;
}

/**
 * The tenant named in the path, lower-cased (MSAL lower-cases the whole authority URL).
 * @throws {OAuthError} invalid_request for an unknown tenant (Entra: AADSTS90002).
 */
export function tenantOf(context: ServerContext, params: TenantParams): string {
  const tenant = params.tenant.toLowerCase();
  if (!context.config.tenants.includes(tenant))
    throw oauthErrors.invalidRequest(`Tenant '${tenant.slice(0, 64)}' not found.`);
  return tenant;
}
