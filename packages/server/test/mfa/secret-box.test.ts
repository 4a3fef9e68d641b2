import { describe, expect, it } from 'vitest';
import { SealedValueError, SecretBox } from '../../src/mfa/secret-box.js';
import { groupedKey, matchTotp, normalizeTotpCode, totpStep, totpUri } from '../../src/mfa/totp.js';
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from '../../src/mfa/recovery-codes.js';
import { randomSecret, totpCode } from '../support/totp.js';

const KEY = 'a-configured-secret-of-at-least-32-characters';
const VALUE = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('SecretBox (AES-256-GCM)', () => {
  it('seals to a fresh v1 envelope each time, without the value, and opens it for the same owner', () => {
    const box = new SecretBox(KEY, 'mfa/totp-secret');
    const a = box.seal(VALUE, 'user-1');
    const b = box.seal(VALUE, 'user-1');
    expect(box.encrypts).toBe(true);
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(VALUE);
    expect(box.open(a, 'user-1')).toBe(VALUE);
  });

  it('refuses another owner, another key, another purpose, a tampered value, or no key', () => {
    const sealed = new SecretBox(KEY, 'mfa/totp-secret').seal(VALUE, 'user-1');
    const [v, iv, ct, tag] = sealed.split('.');
    const flipped = `${v}.${iv}.${ct?.slice(0, -2)}${ct?.endsWith('AA') ? 'AB' : 'AA'}.${tag}`;
    const attempts: [SecretBox, string, string][] = [
      [new SecretBox(KEY, 'mfa/totp-secret'), sealed, 'user-2'],
      [new SecretBox(`${KEY}!`, 'mfa/totp-secret'), sealed, 'user-1'],
      [new SecretBox(KEY, 'verification/totp-enrolment'), sealed, 'user-1'],
      [new SecretBox(KEY, 'mfa/totp-secret'), flipped, 'user-1'],
      [new SecretBox(KEY, 'mfa/totp-secret'), 'v1.garbage', 'user-1'],
      [new SecretBox(undefined, 'mfa/totp-secret'), sealed, 'user-1'],
    ];
    for (const [box, value, owner] of attempts) expect(() => box.open(value, owner)).toThrow(SealedValueError);
  });

  it('without a key stores plainly (marked), and plain values open with or without a key', () => {
    const plain = new SecretBox(undefined, 'mfa/totp-secret');
    expect(plain.encrypts).toBe(false);
    const stored = plain.seal(VALUE, 'user-1');
    expect(stored).toMatch(/^plain\./);
    expect(plain.open(stored, 'user-1')).toBe(VALUE);
    expect(new SecretBox(KEY, 'mfa/totp-secret').open(stored, 'user-1')).toBe(VALUE);
  });
});

describe('TOTP helpers', () => {
  it('matches codes within ±1 step and returns the step they belong to', () => {
    const secret = randomSecret();
    const at = Date.UTC(2026, 0, 1, 12, 0, 10);
    const step = totpStep(at);
    expect(step).toBe(Math.floor(at / 30_000));
    for (const delta of [-1, 0, 1]) expect(matchTotp(secret, totpCode(secret, at, delta), at)).toBe(step + delta);
    for (const delta of [-2, 2]) expect(matchTotp(secret, totpCode(secret, at, delta), at)).toBeUndefined();
    const code = totpCode(secret, at);
    expect(matchTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at)).toBe(step);
    expect(normalizeTotpCode('12345')).toBeUndefined();
    expect(normalizeTotpCode('12345a')).toBeUndefined();
  });

  it('builds the otpauth URI (SHA1, 6 digits, 30 s) and groups the key in fours', () => {
    const uri = new URL(totpUri(VALUE, 'contoso', 'ada@contoso.example'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(VALUE);
    expect(uri.searchParams.get('issuer')).toBe('contoso');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(groupedKey(VALUE)).toEqual(['JBSW', 'Y3DP', 'EHPK', '3PXP', 'JBSW', 'Y3DP', 'EHPK', '3PXP']);
  });
});

describe('recovery codes', () => {
  it('are ten distinct high-entropy codes, hashed the same however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const [code] = codes;
    expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(recoveryCodeHash(code!.toUpperCase().replace(/-/g, ' '))).toBe(recoveryCodeHash(code!));
    expect(normalizeRecoveryCode('short')).toBeUndefined();
    expect(normalizeRecoveryCode('0000-0000-0000-0000')).toBeUndefined(); // 0 is not in the alphabet
  });
});
