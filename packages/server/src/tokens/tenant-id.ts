import { createHash } from 'node:crypto';

/**
 * A stable UUID for a tenant name (name-based, SHA-256): the `tid` claim and the `utid` of
 * Entra-style `client_info`, so MSAL builds home account ids `oid.tid` as it does with Entra.
 */
export function tenantId(tenant: string): string {
  const hex = createHash('sha256').update(`devicelogin-tenant:${tenant}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
