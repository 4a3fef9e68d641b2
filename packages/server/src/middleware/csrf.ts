import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deriveKey, mac } from './keys.js';
import type { VerificationSession } from './session.js';

/**
 * CSRF tokens bound to the session cookie: the token is an HMAC of the session's nonce, sent in a
 * hidden field and compared in constant time. A cross-site form cannot read it, and a token from
 * another session (other nonce) does not match.
 */
export class CsrfTokens {
  readonly #key: Buffer;

  constructor(cookieSecret: string) {
    this.#key = deriveKey(cookieSecret, 'verification/csrf');
  }

  /** The token of a session, for the hidden `csrf` field. */
  token(session: VerificationSession): string {
    return mac(this.#key, session.nonce);
  }

  /** Whether `submitted` is the token of `session` (constant time). */
  verify(session: VerificationSession | undefined, submitted: string | undefined): boolean {
    if (session === undefined || submitted === undefined) return false;
    const expected = Buffer.from(this.token(session));
    const actual = Buffer.from(submitted);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

/** What {@link addCsrfGuard} needs. */
export interface CsrfGuardOptions {
  readonly tokens: CsrfTokens;
  /** The request's valid session, if any. */
  readonly session: (request: FastifyRequest) => VerificationSession | undefined;
  /** Answers a rejected POST (403); it must change nothing. */
  readonly reject: (request: FastifyRequest, reply: FastifyReply) => FastifyReply;
}

/**
 * Checks the `csrf` form field of every POST in the (encapsulated) scope before its handler
 * runs; without a valid session cookie and its token the request is answered by `reject`.
 */
export function addCsrfGuard(scope: FastifyInstance, options: CsrfGuardOptions): void {
  scope.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const body: unknown = request.body;
    const submitted = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['csrf'] : undefined;
    if (!options.tokens.verify(options.session(request), typeof submitted === 'string' ? submitted : undefined)) {
      return options.reject(request, reply);
    }
  });
}
