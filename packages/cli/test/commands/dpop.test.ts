import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertNoSecretsIn,
  fakeClock,
  readBody,
  sendJson,
  startServer,
  type TestServer,
} from '@devicelogin/test-utils';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { apiCommand } from '../../src/commands/api/api.js';
import { claimsChallenge } from '../../src/commands/api/challenge.js';
import { cliHome, testContext, type CliHome } from '../support/cli-env.js';
import { USER_CODE } from '../support/cli-server.js';
import {
  startOidcProvider,
  type OidcProviderServer,
} from '../../../client/test/interop/support/oidc-provider-server.js';
import { accessTokenHash, verifyProof } from '../../../client/test/support/dpop.js';

// `login --dpop`, `token --dpop` and `api --dpop` against node-oidc-provider 9.13.3 with DPoP
// (nonces required), and an API on 127.0.0.1 that checks every proof the CLI sends.

let provider: OidcProviderServer;
let home: CliHome;
let api: TestServer | undefined;
beforeEach(async () => {
  provider = await startOidcProvider({ dpop: { requireNonce: true } });
  home = await cliHome();
});
afterEach(async () => {
  await Promise.all([provider.close(), home.remove(), api?.close()]);
  api = undefined;
  expect(provider.serverErrors).toEqual([]);
});

const target = (): string[] => [
  '--authority',
  provider.issuer,
  '--client-id',
  provider.clientId,
  '--provider',
  'generic',
  '--scopes',
  'openid profile offline_access',
];

/** Runs a command in-process; polls wait on a fake clock (node-oidc-provider checks iat: real now). */
async function run(args: string[], options: { readonly env?: Record<string, string>; readonly stdin?: string } = {}) {
  const test = testContext(home, options);
  const context = { ...test.context, clientSystem: { clock: fakeClock(Date.now()) } };
  const exit = await main(args, context);
  return { exit, out: test.io.stdoutText(), err: test.io.stderrText() };
}

/** `devicelogin login` + the user approving the printed code after the first poll. */
async function login(extra: string[], env?: Record<string, string>) {
  const test = testContext(home, env === undefined ? {} : { env });
  const context = { ...test.context, clientSystem: { clock: fakeClock(Date.now()) } };
  let approved = false;
  provider.setPollHooks({
    answered: async (poll) => {
      const code = USER_CODE.exec(test.io.stderrText())?.[1];
      if (approved || code === undefined || poll.error !== 'authorization_pending') return;
      approved = true;
      await provider.approve(code);
    },
  });
  const exit = await main(['login', ...target(), ...extra], context);
  return { exit, err: test.io.stderrText() };
}

describe('--dpop', () => {
  it('login --dpop signs in with proofs; token --json says DPoP; plain token warns on stderr', async () => {
    const signedIn = await login(['--dpop']);
    expect(signedIn.exit, signedIn.err).toBe(EXIT.ok);
    // every token request carried a proof of one key (the first was answered use_dpop_nonce)
    const proofs = await Promise.all(provider.tokenProofs.map((p) => verifyProof(p, Date.now())));
    expect(new Set(proofs.map((p) => p.thumbprint)).size).toBe(1);
    expect(provider.polls[0]).toMatchObject({ error: 'use_dpop_nonce' });

    const json = await run(['token', ...target(), '--dpop', '--json']);
    expect(json.exit, json.err).toBe(EXIT.ok);
    const token = JSON.parse(json.out) as { access_token: string; token_type: string };
    expect(token.token_type).toBe('DPoP');
    expect(await provider.bindingOf('AccessToken', token.access_token)).toBe(proofs[0]!.thumbprint);

    const plain = await run(['token', ...target()]);
    expect(plain).toMatchObject({ exit: EXIT.ok, out: `${token.access_token}\n` });
    expect(plain.err).toContain('this token is DPoP-bound');
  });

  it('DEVICELOGIN_DPOP=1 and the profile setting turn it on as --dpop does', async () => {
    expect((await run(['config', 'set', '--profile', 'p', 'dpop', 'true'])).exit).toBe(EXIT.ok);
    expect((await run(['config', 'get', '--profile', 'p', 'dpop'])).out).toBe('true\n');
    const signedIn = await login([], { DEVICELOGIN_DPOP: '1' });
    expect(signedIn.exit, signedIn.err).toBe(EXIT.ok);
    expect(provider.tokenProofs.every((proof) => proof !== undefined)).toBe(true);
  });

  it('api: Authorization DPoP with a proof for -X and the URL; a nonce challenge, then a DPoP claims challenge, each retried once', async () => {
    expect((await login(['--dpop'])).exit).toBe(EXIT.ok);
    const claims = '{"access_token":{"xms_cc":{"values":["cp1"]}}}';
    const seen: { authorization: string; nonce: string | undefined; htu: string; htm: string; body: string }[] = [];
    api = await startServer(async (request, response) => {
      const proof = await verifyProof(request.headers['dpop'], Date.now());
      const authorization = request.headers.authorization ?? '';
      expect(authorization).toMatch(/^DPoP /);
      expect(proof.payload.ath).toBe(accessTokenHash(authorization.slice(5)));
      seen.push({
        authorization,
        nonce: proof.payload.nonce,
        htu: proof.payload.htu,
        htm: proof.payload.htm,
        body: await readBody(request),
      });
      if (seen.length === 1) {
        sendJson(response, 401, {}, { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'api-nonce-1' });
      } else if (seen.length === 2) {
        const challenge = `DPoP realm="api", algs="ES256", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
        sendJson(response, 401, { error: 'insufficient_claims' }, { 'WWW-Authenticate': challenge });
      } else sendJson(response, 201, { created: true });
    });
    const url = `${api.url}/items?dry=1`;
    const result = await run(['api', url, '-X', 'PUT', '-d', '{"a":1}', ...target(), '--dpop']);
    expect(result, result.err).toMatchObject({ exit: EXIT.ok, out: '{"created":true}\n' });
    expect(result.err).toContain('claims challenge');
    expect(seen).toHaveLength(3);
    expect(seen.map((s) => s.nonce)).toEqual([undefined, 'api-nonce-1', 'api-nonce-1']);
    for (const s of seen) expect(s).toMatchObject({ htu: `${api.url}/items`, htm: 'PUT', body: '{"a":1}' });
    expect(seen[1]!.authorization).toBe(seen[0]!.authorization);
    expect(seen[2]!.authorization).not.toBe(seen[1]!.authorization); // the token renewed with the claims
    const secrets = seen.map((s) => s.authorization.slice(5));
    assertNoSecretsIn(result.err + result.out, secrets);
  });

  it("api against node-oidc-provider's userinfo: its own DPoP checks and nonce pass", async () => {
    expect((await login(['--dpop'])).exit).toBe(EXIT.ok);
    const result = await run(['api', provider.metadata.userinfoEndpoint, ...target()]);
    expect(result, result.err).toMatchObject({ exit: EXIT.ok });
    expect(JSON.parse(result.out)).toMatchObject({ sub: 'interop-user-7f3a' });
  });
});

describe('api: parse and challenges', () => {
  it('--dpop is accepted by login, token and api; -H DPoP is refused', () => {
    expect(apiCommand.parse(['/x', '--dpop']).target.dpop).toBe(true);
    expect(apiCommand.parse(['/x']).target.dpop).toBeUndefined();
    expect(() => apiCommand.parse(['/x', '-H', 'DPoP: x'])).toThrow(/not allowed/);
  });

  it('claims challenges in Bearer and DPoP schemes, among other challenges', () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const encoded = Buffer.from(claims).toString('base64');
    expect(claimsChallenge(`DPoP algs="ES256", error="insufficient_claims", claims="${encoded}"`)).toBe(claims);
    expect(claimsChallenge(`Bearer realm="", error="insufficient_claims", claims="${encoded}"`)).toBe(claims);
    expect(claimsChallenge(`Basic realm="x", DPoP error="insufficient_claims", claims="${encoded}"`)).toBe(claims);
    expect(claimsChallenge(`Basic realm="x", claims="${encoded}"`)).toBeUndefined();
    expect(claimsChallenge('DPoP error="use_dpop_nonce"')).toBeUndefined();
  });

  it('kubectl-credential and git-credential refuse a DPoP-bound token (their programs send Bearer) with a hint', async () => {
    expect((await login(['--dpop'])).exit).toBe(EXIT.ok);
    const kubectl = await run(['kubectl-credential', ...target(), '--no-interactive']);
    expect(kubectl.exit).toBe(EXIT.usage);
    expect(kubectl.out).toBe('');
    expect(kubectl.err).toContain('DPoP-bound: kubectl sends tokens as Bearer tokens');
    expect(kubectl.err).toContain('devicelogin login');
    const git = await run(['git-credential', 'get', ...target(), '--no-interactive'], {
      stdin: 'protocol=https\nhost=example.com\n\n',
    });
    expect(git.exit).toBe(EXIT.usage);
    expect(git.out).toBe('');
    expect(git.err).toContain('DPoP-bound: git sends tokens as Bearer tokens');
  });
});
