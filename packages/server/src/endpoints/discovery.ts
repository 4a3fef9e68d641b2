import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerContext } from '../context.js';
import { issuerOf } from '../tokens/issue.js';
import { SIGNING_ALG } from '../tokens/signing-keys.js';
import { DPOP_ALGORITHMS } from '../dpop/proof.js';
import { tenantOf, type TenantParams } from './tenant.js';

/**
 * The metadata of a tenant (OIDC Discovery and RFC 8414): issuer = the authority (origin and
 * path), Entra's endpoint layout, and `device_authorization_endpoint` for RFC 8628 clients.
 * msal-node ignores that field and replaces `/token` by `/devicecode` in `token_endpoint`: the
 * layout below satisfies both. Also the userinfo (OIDC Core §5.3), revocation (RFC 7009, public
 * clients: auth method `none`) and introspection (RFC 7662, resource servers) endpoints.
 */
export function metadataOf(context: ServerContext, tenant: string): Record<string, unknown> {
  const issuer = issuerOf(context, tenant);
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/v2.0/authorize`,
    token_endpoint: `${issuer}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${issuer}/oauth2/v2.0/devicecode`,
    jwks_uri: `${issuer}/discovery/v2.0/keys`,
    userinfo_endpoint: `${issuer}/oidc/userinfo`,
    revocation_endpoint: `${issuer}/oauth2/v2.0/revoke`,
    revocation_endpoint_auth_methods_supported: ['none'],
    // RFC 7662, for resource servers: the `introspectionSecret` as HTTP Basic password or bearer.
    introspection_endpoint: `${issuer}/oauth2/v2.0/introspect`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code', 'device_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    // RFC 9449 §5.1: DPoP proofs are accepted at the token endpoint (and the demo API).
    dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', `${context.config.apiAudience}/.default`],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'oid', 'tid', 'sid', 'preferred_username', 'name'],
    tenant_region_scope: null,
    cloud_instance_name: new URL(context.config.publicUrl).host,
    // Our extension (docs/server.md "Long-poll"): the longest `Prefer: wait=N` the token endpoint
    // honours on a pending device code. Absent when long-poll is off.
    ...(context.config.longPollMaxWaitSeconds > 0
      ? { device_authorization_long_poll_max_wait: context.config.longPollMaxWaitSeconds }
      : {}),
  };
}

/** Registers discovery routes for every tenant. */
export function registerDiscovery(app: FastifyInstance, context: ServerContext): void {
  const handler = (request: { params: TenantParams }, reply: FastifyReply): FastifyReply =>
    reply.send(metadataOf(context, tenantOf(context, request.params)));
  app.get<{ Params: TenantParams }>('/:tenant/v2.0/.well-known/openid-configuration', handler);
  app.get<{ Params: TenantParams }>('/:tenant/.well-known/openid-configuration', handler);
  app.get<{ Params: TenantParams }>('/.well-known/oauth-authorization-server/:tenant', handler);
  app.get<{ Params: TenantParams }>('/:tenant/discovery/v2.0/keys', async (request) => {
    tenantOf(context, request.params);
    return context.keys.jwks();
  });
}
