import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { OAuthError } from '../errors.js';
import type { ClientRecord } from '../store/store.js';
import { DpopProofError } from './proof.js';
import { checkRequestProof } from './request-proof.js';

/**
 * The DPoP proof of a token request (RFC 9449 §5), checked before any grant runs: returns the
 * thumbprint of its key, or undefined when the request has no `DPoP` header (a bearer request;
 * {@link requireDpopPolicy} refuses it for clients that must use DPoP). The proof's `htu` must be
 * the token endpoint as the client called it (`publicUrl` + the request path). With nonces on,
 * every DPoP response carries the current nonce in `DPoP-Nonce`, and a proof without a current
 * one is answered `use_dpop_nonce` (400) with it.
 * @throws {OAuthError} `invalid_dpop_proof` or `use_dpop_nonce`.
 */
export async function tokenRequestProof(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<string | undefined> {
  if (request.headers['dpop'] === undefined) return undefined;
  try {
    return (await checkRequestProof(context, request, reply)).jkt;
  } catch (error) {
    if (error instanceof DpopProofError) throw new OAuthError(400, error.code, error.message);
    throw error;
  }
}

/**
 * A client whose policy requires DPoP gets no tokens without a proof (checked where the grants
 * read the client: at pick-up and at every refresh).
 * @throws {OAuthError} `invalid_dpop_proof`.
 */
export function requireDpopPolicy(client: ClientRecord, jkt: string | undefined): void {
  if (client.dpopRequired === true && jkt === undefined) {
    throw new OAuthError(400, 'invalid_dpop_proof', 'This application must send a DPoP proof (RFC 9449).');
  }
}
