import { describe, expect, it } from 'vitest';
import { findChallenge, parseWwwAuthenticate } from '@devicelogin/protocol';

const plain = (header: string | null) =>
  parseWwwAuthenticate(header).map((c) => ({
    scheme: c.scheme,
    parameters: Object.fromEntries(c.parameters),
    token68: c.token68,
  }));

describe('parseWwwAuthenticate', () => {
  it('one Bearer challenge with quoted and token values (RFC 6750 §3)', () => {
    expect(plain('Bearer realm="example", error=invalid_token, error_description="The token \\"expired\\""')).toEqual([
      {
        scheme: 'Bearer',
        parameters: { realm: 'example', error: 'invalid_token', error_description: 'The token "expired"' },
        token68: undefined,
      },
    ]);
  });

  it('several challenges in one header, parameter names lower-cased (RFC 9449 §7.1)', () => {
    const challenges = parseWwwAuthenticate(
      'DPoP Error="use_dpop_nonce", algs="ES256 PS256", Bearer realm="api", Basic, Negotiate abc==',
    );
    expect(challenges.map((c) => c.scheme)).toEqual(['DPoP', 'Bearer', 'Basic', 'Negotiate']);
    expect(findChallenge(challenges, 'dpop')?.parameters.get('error')).toBe('use_dpop_nonce');
    expect(findChallenge(challenges, 'DPOP')?.parameters.get('algs')).toBe('ES256 PS256');
    expect(findChallenge(challenges, 'bearer')?.parameters.get('realm')).toBe('api');
    expect(findChallenge(challenges, 'negotiate')?.token68).toBe('abc==');
    expect(findChallenge(challenges, 'Digest')).toBeUndefined();
  });

  it('commas inside quoted values do not split challenges', () => {
    expect(plain('Bearer error="insufficient_claims", claims="eyJ, x", realm=""')).toEqual([
      {
        scheme: 'Bearer',
        parameters: { error: 'insufficient_claims', claims: 'eyJ, x', realm: '' },
        token68: undefined,
      },
    ]);
  });

  it('no header, an empty one, or garbage: nothing invented', () => {
    expect(parseWwwAuthenticate(null)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(plain('Bearer error="unterminated')).toEqual([{ scheme: 'Bearer', parameters: {}, token68: undefined }]);
    expect(plain('=oops')).toEqual([]);
  });
});
