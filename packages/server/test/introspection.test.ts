/**
 * Token introspection (RFC 7662) at /{tenant}/oauth2/v2.0/introspect, over real HTTP: only
 * resource servers with the configured secret get answers; live access and refresh tokens are
 * described, everything revoked, expired, rotated, unknown or of a disabled user is
 * `{"active":false}`; DPoP-bound tokens say so (`token_type`, `cnf`). Nothing secret is logged.
 */
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import type { ServerConfig } from '../src/config/defaults.js';
import { adminOnServer } from './support/admin-on-server.js';
import { dpopKey } from './support/dpop-key.js';
import { refresh, signIn, tokensOf } from './support/sign-in.js';
import { CLIENT_ID, USER, postForm, startTestServer, type TestServer } from './support/test-server.js';

const SECRET = 'resource-server-secret-0123456789abcdef';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(config: Partial<ServerConfig> = { introspectionSecret: SECRET }, logs?: string[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs?.push(chunk.toString('utf8'));
      done();
    },
  });
  return (server = await startTestServer(config, logs === undefined ? {} : { logger: { level: 'trace', stream } }));
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function introspect(
  s: TestServer,
  form: Record<string, string>,
  /** null: no `Authorization` header. */
  authorization: string | null = `Bearer ${SECRET}`,
  tenant = 'contoso',
) {
  const response = await fetch(`${s.url}/${tenant}/oauth2/v2.0/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization === null ? {} : { authorization }),
    },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('introspection: who may ask', () => {
  it('without the secret, a wrong one, or none configured: 401 invalid_client', async () => {
    const s = await start();
    const tokens = await signIn(s);
    for (const authorization of [
      null,
      'Bearer wrong',
      `Bearer ${SECRET}x`,
      basic('rs', 'wrong'),
      `Basic ${SECRET}`,
      `DPoP ${SECRET}`,
    ]) {
      const answer = await introspect(s, { token: tokens.access_token }, authorization);
      expect(answer.status, String(authorization)).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe(`Bearer realm="${s.url}", Basic realm="${s.url}"`);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({ error: 'invalid_client' });
      expect(JSON.stringify(answer.body)).not.toContain('active');
    }
    await s.close();

    const closed = await start({});
    const unconfigured = await signIn(closed);
    expect((await introspect(closed, { token: unconfigured.access_token })).status).toBe(401);
    expect((await introspect(closed, { token: unconfigured.access_token }, 'Bearer ')).status).toBe(401);
  });

  it('the secret as bearer token or as the Basic password (any user, raw or form-encoded) is accepted', async () => {
    const s = await start({ introspectionSecret: `${SECRET}+/%` });
    const tokens = await signIn(s);
    for (const authorization of [
      `Bearer ${SECRET}+/%`,
      basic('', `${SECRET}+/%`),
      basic('my-api', `${SECRET}+/%`),
      basic('my-api', encodeURIComponent(`${SECRET}+/%`)),
    ]) {
      const answer = await introspect(s, { token: tokens.access_token }, authorization);
      expect(answer.status, authorization).toBe(200);
      expect(answer.body['active']).toBe(true);
    }
  });

  it('a missing token is invalid_request; a JSON body too; it is published in the metadata', async () => {
    const s = await start();
    const missing = await introspect(s, {});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request' });
    const json = await fetch(`${s.url}/contoso/oauth2/v2.0/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: JSON.stringify({ token: 'x' }),
    });
    expect(json.status).toBe(400);
    for (const tenant of ['contoso', 'common']) {
      const metadata = (await (
        await fetch(`${s.url}/${tenant}/v2.0/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        introspection_endpoint: `${s.url}/${tenant}/oauth2/v2.0/introspect`,
        revocation_endpoint: `${s.url}/${tenant}/oauth2/v2.0/revoke`,
      });
    }
  });
});

describe('introspection: answers', () => {
  it('a live access token: every field, no-store; expired, garbage, id_token: inactive', async () => {
    const s = await start();
    const tokens = await signIn(s);
    const claims = decodeJwt(tokens.access_token);
    const user = (await s.context.store.findUser(USER.tenant, USER.username))!;
    const answer = await introspect(s, { token: tokens.access_token, token_type_hint: 'access_token' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toStrictEqual({
      active: true,
      scope: 'api://demo/read',
      client_id: CLIENT_ID,
      username: USER.username,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      sub: user.id,
      aud: 'api://demo',
      iss: `${s.url}/contoso`,
      jti: claims.jti,
      sid: claims['sid'],
    });
    // Whichever tenant path the resource server uses; a wrong hint changes nothing.
    expect(
      (
        await introspect(
          s,
          { token: tokens.access_token, token_type_hint: 'refresh_token' },
          `Bearer ${SECRET}`,
          'common',
        )
      ).body,
    ).toMatchObject({ active: true });

    for (const token of ['garbage', 'a.b.c', tokens.id_token, 'x'.repeat(5000)]) {
      expect((await introspect(s, { token })).body).toStrictEqual({ active: false });
    }
    s.clock.advance(((claims.exp ?? 0) - (claims.iat ?? 0)) * 1000);
    expect((await introspect(s, { token: tokens.access_token })).body).toStrictEqual({ active: false });
  });

  it('revoked access tokens are inactive: by approval, by user (valid-after), a disabled user', async () => {
    const s = await start();
    const byApproval = await signIn(s);
    const other = await signIn(s);
    const approvalOf = async (token: string) =>
      (await s.context.store.listApprovals({ limit: 10 })).find((a) => a.grantId === decodeJwt(token)['sid'])!;
    await s.context.store.revokeApproval((await approvalOf(byApproval.access_token)).id, s.clock.now());
    expect((await introspect(s, { token: byApproval.access_token })).body).toStrictEqual({ active: false });
    expect((await introspect(s, { token: other.access_token })).body).toMatchObject({ active: true });

    s.clock.advance(1_000);
    expect((await adminOnServer(s, ['users', 'revoke', USER.username, '--access-only'])).code).toBe(0);
    expect((await introspect(s, { token: other.access_token })).body).toStrictEqual({ active: false });
    const renewed = tokensOf(await refresh(s, other.refresh_token));
    expect((await introspect(s, { token: renewed.access_token })).body).toMatchObject({ active: true });

    const user = (await s.context.store.findUser(USER.tenant, USER.username))!;
    await s.context.store.upsertUser({ ...user, disabled: true });
    expect((await introspect(s, { token: renewed.access_token })).body).toStrictEqual({ active: false });
  });

  it('a refresh token: active with its fields, then inactive once rotated, and once revoked', async () => {
    const s = await start();
    const tokens = await signIn(s);
    const user = (await s.context.store.findUser(USER.tenant, USER.username))!;
    const answer = await introspect(s, { token: tokens.refresh_token, token_type_hint: 'refresh_token' });
    expect(answer.body).toStrictEqual({
      active: true,
      scope: 'openid profile offline_access api://demo/read',
      client_id: CLIENT_ID,
      username: USER.username,
      sub: user.id,
      exp: Math.floor(s.clock.now() / 1000) + 90 * 24 * 3600,
      iat: Math.floor(s.clock.now() / 1000),
    });
    const renewed = tokensOf(await refresh(s, tokens.refresh_token));
    expect((await introspect(s, { token: tokens.refresh_token })).body).toStrictEqual({ active: false });
    expect((await introspect(s, { token: renewed.refresh_token })).body).toMatchObject({ active: true });

    s.clock.advance(1_000); // valid-after has seconds precision: a token of the same second stays live
    expect((await adminOnServer(s, ['users', 'revoke', USER.username])).code).toBe(0);
    expect((await introspect(s, { token: renewed.refresh_token })).body).toStrictEqual({ active: false });
    expect((await introspect(s, { token: renewed.access_token })).body).toStrictEqual({ active: false });
  });

  it('a refresh token of a revoked approval is inactive', async () => {
    const s = await start();
    const tokens = await signIn(s);
    const [approval] = await s.context.store.listApprovals({ limit: 1 });
    expect((await adminOnServer(s, ['approvals', 'revoke', '--id', approval!.id])).code).toBe(0);
    expect((await introspect(s, { token: tokens.refresh_token })).body).toStrictEqual({ active: false });
  });

  it('DPoP-bound tokens: token_type DPoP and cnf.jkt', async () => {
    const s = await start({ introspectionSecret: SECRET, dpopNonces: false });
    const key = await dpopKey();
    const tokenUrl = `${s.url}/contoso/oauth2/v2.0/token`;
    const device = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, {
      client_id: CLIENT_ID,
      scope: 'openid offline_access api://demo/read',
    });
    await s.approve(String(device.body['user_code']));
    const proof = await key.proof({ htm: 'POST', htu: tokenUrl, iat: Math.floor(s.clock.now() / 1000) });
    const bound = await postForm(
      tokenUrl,
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT_ID,
        device_code: String(device.body['device_code']),
      },
      { dpop: proof },
    );
    expect(bound.body['token_type']).toBe('DPoP');
    expect((await introspect(s, { token: String(bound.body['access_token']) })).body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: key.jkt },
    });
    expect((await introspect(s, { token: String(bound.body['refresh_token']) })).body).toMatchObject({
      active: true,
      cnf: { jkt: key.jkt },
    });
  });

  it('logs neither the tokens nor the secret', async () => {
    const logs: string[] = [];
    const s = await start({ introspectionSecret: SECRET }, logs);
    const tokens = await signIn(s);
    await introspect(s, { token: tokens.access_token });
    await introspect(s, { token: tokens.refresh_token }, basic('rs', SECRET));
    await introspect(s, { token: 'not-a-token' }, `Bearer ${SECRET}-wrong`);
    const log = logs.join('');
    expect(log).toContain('token introspected');
    expect(log).toContain('introspection refused');
    assertNoSecretsIn(log, [
      SECRET,
      tokens.access_token,
      tokens.refresh_token,
      Buffer.from(`rs:${SECRET}`).toString('base64'),
    ]);
  });
});
