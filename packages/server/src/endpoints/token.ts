import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { OAuthError, oauthErrors } from '../errors.js';
import { deviceCodeGrant } from './grants/device-code.js';
import type { Grant } from './grants/grant.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { tenantOf, type TenantParams } from './tenant.js';
import { tokenRequestProof } from '../dpop/token-request.js';

/**
 * `POST /{tenant}/oauth2/v2.0/token`: dispatches on `grant_type` to the grant modules. Extra
 * parameters MSAL sends (`client_info`, `claims`, `x-client-*`, `client-request-id`…) are
 * tolerated. Responses are never cached.
 */
const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Counts a device-code poll by outcome (the OAuth error code, or success) in the metrics. */
async function pollCounted<T>(context: ServerContext, answer: Promise<T>): Promise<T> {
  try {
    const result = await answer;
    context.metrics.poll(undefined);
    return result;
  } catch (error) {
    context.metrics.poll(error instanceof OAuthError ? error.error : 'other');
    throw error;
  }
}

export function registerToken(app: FastifyInstance, context: ServerContext): void {
  const grants = new Map<string, Grant>();
  for (const grant of [deviceCodeGrant(), refreshTokenGrant()]) {
    for (const type of grant.grantTypes) grants.set(type, grant);
  }
  app.post<{ Params: TenantParams; Body: Record<string, string | undefined> }>(
    '/:tenant/oauth2/v2.0/token',
    async (request, reply) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      const tenant = tenantOf(context, request.params);
      const form = request.body ?? {};
      const type = form['grant_type'];
      if (type === undefined || type === '') throw oauthErrors.invalidRequest("The request must contain 'grant_type'.");
      const grant = grants.get(type);
      if (grant === undefined)
        throw new OAuthError(400, 'unsupported_grant_type', `The grant type '${type.slice(0, 100)}' is not supported.`);
      const dpopJkt = await tokenRequestProof(context, request, reply);
      const grantRequest = { tenant, form, http: request, reply, dpopJkt };
      if (grant.grantTypes.includes(DEVICE_CODE_GRANT_TYPE))
        return pollCounted(context, grant.handle(context, grantRequest));
      return grant.handle(context, grantRequest);
    },
  );
}
