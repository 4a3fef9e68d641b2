import type { SeededRandom } from './random.js';

const encode = (value: object): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A syntactically valid JWT that is not really signed: base64url JSON header and claims, and a
 * "signature" of random bytes the size of an RS256 one. Nobody verifies it: on a cache hit both
 * libraries only decode the cached id token.
 */
export function fakeJwt(claims: Readonly<Record<string, unknown>>, random: SeededRandom): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: 'bench-signing-key' };
  return `${encode(header)}.${encode(claims)}.${random.bytes(256).toString('base64url')}`;
}
