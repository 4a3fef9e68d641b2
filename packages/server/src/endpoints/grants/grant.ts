import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';

/** The parsed token request every grant receives. */
export interface GrantRequest {
  readonly tenant: string;
  readonly form: Readonly<Record<string, string | undefined>>;
  readonly http: FastifyRequest;
  /** The response being prepared: grants may add headers (`Preference-Applied`). */
  readonly reply?: FastifyReply;
  /**
   * The thumbprint of the key of the request's verified DPoP proof (dpop/token-request.ts):
   * tokens issued now are bound to it. Undefined: no proof (bearer).
   */
  readonly dpopJkt?: string | undefined;
}

/**
 * A grant as a uniform module (node-oidc-provider's `lib/actions/grants/*`): the grant_type
 * values it answers, and `handle` returning the token response body or throwing an OAuthError.
 */
export interface Grant {
  readonly grantTypes: readonly string[];
  handle(context: ServerContext, request: GrantRequest): Promise<Record<string, unknown>>;
}
