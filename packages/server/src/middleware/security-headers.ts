import type { FastifyInstance } from 'fastify';

/**
 * Content Security Policy of the pages: nothing loads but the site's own stylesheet, forms
 * post only here, no framing (clickjacking on the consent page), no `<base>` tricks.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers every page response carries. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** Adds {@link PAGE_SECURITY_HEADERS} to every response of the (encapsulated) scope. */
export function addSecurityHeaders(scope: FastifyInstance): void {
  scope.addHook('onSend', async (_request, reply, payload) => {
    void reply.headers(PAGE_SECURITY_HEADERS);
    return payload;
  });
}
