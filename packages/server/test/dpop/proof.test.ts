/**
 * DPoP proof checks (RFC 9449 §4.3) against a real SQLite store (the `jti` record) and a fake
 * clock: a good proof gives its key's thumbprint; every kind of bad proof is refused with the
 * code the endpoints answer, and a proof is usable once.
 */
import { fakeClock } from '@devicelogin/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { DpopNonces, DPOP_NONCE_PERIOD_SECONDS } from '../../src/dpop/nonces.js';
import { DpopProofError, verifyDpopProof, type ProofExpectations } from '../../src/dpop/proof.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { dpopKey } from '../support/dpop-key.js';

const URL = 'https://login.example/contoso/oauth2/v2.0/token';
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const nowSeconds = (clock: { now(): number }): number => Math.floor(clock.now() / 1000);

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function setup() {
  const clock = fakeClock(T0);
  store = openSqliteStore({ path: ':memory:' });
  const deps = { clock, store };
  const check = (header: string | undefined, expect: Partial<ProofExpectations> = {}) =>
    verifyDpopProof(header, { method: 'POST', url: URL, ...expect }, deps);
  return { clock, check };
}

/** The refusal of a check, as code and message. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DpopProofError)) throw new Error(`expected a DpopProofError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('DPoP proofs', () => {
  it("accepts a proof for this request and returns its key's thumbprint; the query string is not part of htu", async () => {
    const { clock, check } = setup();
    const key = await dpopKey();
    const proof = await key.proof({ htm: 'POST', htu: `${URL}?x=1#f`, iat: nowSeconds(clock) });
    expect(await check(proof)).toStrictEqual({ jkt: key.jkt });
  });

  it('compares htu by RFC 3986 normalisation: scheme and host case, default port', async () => {
    const { clock, check } = setup();
    const key = await dpopKey();
    const proof = await key.proof({
      htm: 'POST',
      htu: 'HTTPS://LOGIN.EXAMPLE:443/contoso/oauth2/v2.0/token',
      iat: nowSeconds(clock),
    });
    expect((await check(proof)).jkt).toBe(key.jkt);
  });

  it('refuses a missing proof and two proofs in one request', async () => {
    const { clock, check } = setup();
    const key = await dpopKey();
    const one = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock) });
    expect(await refusal(check(undefined))).toMatchObject({ code: 'invalid_dpop_proof' });
    expect(await refusal(check(`${one}, ${one}`))).toStrictEqual({
      code: 'invalid_dpop_proof',
      message: 'Send exactly one DPoP proof.',
    });
  });

  it.each([
    ['another method', { htm: 'GET' }, "The DPoP proof's 'htm' does not match the request method."],
    ['another URL', { htu: 'https://login.example/contoso/oauth2/v2.0/devicecode' }, "'htu' does not match"],
    ['another host', { htu: 'https://evil.example/contoso/oauth2/v2.0/token' }, "'htu' does not match"],
    ['a wrong type', { typ: 'JWT' }, "type must be 'dpop+jwt'"],
    ['an old iat', { iatOffset: -301 }, 'was not made now'],
    ['an iat too far ahead', { iatOffset: 61 }, 'was not made now'],
  ])('refuses a proof with %s', async (_name, change, message) => {
    const { clock, check } = setup();
    const key = await dpopKey();
    const { iatOffset, ...rest } = { iatOffset: 0, ...change } as { iatOffset: number; htm?: string; htu?: string };
    const proof = await key.proof({ htm: 'POST', htu: URL, ...rest, iat: nowSeconds(clock) + iatOffset });
    const refused = await refusal(check(proof));
    expect(refused.code).toBe('invalid_dpop_proof');
    expect(refused.message).toContain(message);
  });

  it('accepts proofs up to 300 s old and 60 s ahead (clock skew)', async () => {
    const { clock, check } = setup();
    const key = await dpopKey();
    for (const offset of [-300, 60]) {
      const proof = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock) + offset });
      expect((await check(proof)).jkt).toBe(key.jkt);
    }
  });

  it('refuses a private key in the jwk header, a signature by another key, and no signature', async () => {
    const { clock, check } = setup();
    const key = await dpopKey();
    const other = await dpopKey();
    const withPrivate = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock), jwk: key.privateJwk });
    expect(await refusal(check(withPrivate))).toMatchObject({ code: 'invalid_dpop_proof' });
    const good = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock) });
    const forged = await other.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock) });
    const [header, payload] = good.split('.');
    const swapped = `${header}.${payload}.${forged.split('.')[2]}`;
    expect(await refusal(check(swapped))).toStrictEqual({
      code: 'invalid_dpop_proof',
      message: 'The DPoP proof signature does not verify.',
    });
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt' })).toString('base64url')}.${payload}.`;
    expect(await refusal(check(unsigned))).toMatchObject({ code: 'invalid_dpop_proof' });
  });

  it('at a resource: ath must be the hash of the access token presented', async () => {
    const { clock, check } = setup();
    const key = await dpopKey();
    const proof = await key.proof({ htm: 'GET', htu: URL, iat: nowSeconds(clock), accessToken: 'token-a' });
    expect(await refusal(check(proof, { method: 'GET', accessToken: 'token-b' }))).toMatchObject({
      code: 'invalid_dpop_proof',
      message: "The DPoP proof's 'ath' does not match the access token.",
    });
    const again = await key.proof({ htm: 'GET', htu: URL, iat: nowSeconds(clock), accessToken: 'token-a' });
    expect((await check(again, { method: 'GET', accessToken: 'token-a' })).jkt).toBe(key.jkt);
  });

  it('a proof is used once: the same jti with the same key is refused the second time', async () => {
    const { clock, check } = setup();
    const key = await dpopKey();
    const proof = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock) });
    await check(proof);
    clock.advance(30_000);
    expect(await refusal(check(proof))).toStrictEqual({
      code: 'invalid_dpop_proof',
      message: 'The DPoP proof was already used.',
    });
  });
});

describe('DPoP nonces', () => {
  it('no nonce or a made-up one: use_dpop_nonce; the current one: accepted', async () => {
    const { clock, check } = setup();
    const nonces = new DpopNonces('a shared secret of the instances', clock);
    const key = await dpopKey();
    const without = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock) });
    expect(await refusal(check(without, { nonces }))).toMatchObject({ code: 'use_dpop_nonce' });
    const madeUp = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock), nonce: 'guess' });
    expect(await refusal(check(madeUp, { nonces }))).toMatchObject({ code: 'use_dpop_nonce' });
    const good = await key.proof({ htm: 'POST', htu: URL, iat: nowSeconds(clock), nonce: nonces.current() });
    expect((await check(good, { nonces })).jkt).toBe(key.jkt);
  });

  it('rotate every period; the previous one is still accepted, the one before is not', () => {
    const { clock } = setup();
    const nonces = new DpopNonces('a shared secret of the instances', clock);
    const first = nonces.current();
    clock.advance(DPOP_NONCE_PERIOD_SECONDS * 1000);
    const second = nonces.current();
    expect(second).not.toBe(first);
    expect(nonces.accepts(first)).toBe(true);
    clock.advance(DPOP_NONCE_PERIOD_SECONDS * 1000);
    expect(nonces.accepts(first)).toBe(false);
    expect(nonces.accepts(second)).toBe(true);
  });

  it('are the same on every instance that shares the secret, and differ under another secret', () => {
    const clock = fakeClock(T0);
    const a = new DpopNonces('a shared secret of the instances', clock);
    const b = new DpopNonces('a shared secret of the instances', clock);
    const other = new DpopNonces('another secret', clock);
    expect(b.accepts(a.current())).toBe(true);
    expect(other.accepts(a.current())).toBe(false);
  });
});
