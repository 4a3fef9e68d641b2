import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { verifyDpopProof, type VerifiedProof } from './proof.js';

/**
 * Checks the `DPoP` proof of a request to this server (the token endpoint, the demo API,
 * userinfo): `htm` the request's method, `htu` the URL as clients call it (`publicUrl` + the
 * request path, so `publicUrl` must be what clients use), `ath` when an access token is
 * presented, and a current nonce when nonces are on — in which case the response carries the
 * current one in `DPoP-Nonce`, whatever the outcome.
 * @throws {DpopProofError} as {@link verifyDpopProof}.
 */
export async function checkRequestProof(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  accessToken?: string,
): Promise<VerifiedProof> {
  const nonces = context.dpopNonces;
  if (nonces !== undefined) void reply.header('dpop-nonce', nonces.current());
  return verifyDpopProof(
    request.headers['dpop'],
    {
      method: request.method,
      url: `${context.config.publicUrl}${request.url.split('?')[0] ?? ''}`,
      ...(accessToken === undefined ? {} : { accessToken }),
      ...(nonces === undefined ? {} : { nonces }),
    },
    context,
  );
}
