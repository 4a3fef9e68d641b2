import { Ajv } from 'ajv'; // a real JSON Schema validator (pinned devDependency): the schema, not hand checks
import { describe, expect, it } from 'vitest';
import { gitCredentialCommand } from '../../src/commands/git/git-credential.js';
import { parseCredentialInput } from '../../src/commands/git/credential-protocol.js';
import { parseExecInfo } from '../../src/commands/kubectl/exec-credential.js';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';
import { testContext } from '../support/cli-env.js';
import { restoreCache, targetArgs, USER, USER_CODE } from '../support/cli-server.js';
import { EXEC_CREDENTIAL_V1_SCHEMA } from '../support/exec-credential-schema.js';

const fixture = useSignedInFixture();

const validateExecCredential = new Ajv({ allErrors: true }).compile(EXEC_CREDENTIAL_V1_SCHEMA);
const EXEC_INFO = (interactive: boolean) =>
  JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive } });

describe('kubectl-credential', () => {
  it('parses KUBERNETES_EXEC_INFO; refuses an API version it does not speak', () => {
    expect(parseExecInfo(EXEC_INFO(true))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      interactive: true,
    });
    expect(parseExecInfo(undefined)).toEqual({ apiVersion: 'client.authentication.k8s.io/v1', interactive: undefined });
    expect(() => parseExecInfo('{"apiVersion":"client.authentication.k8s.io/v2"}')).toThrow(/speaks/);
  });

  it('signed in: an ExecCredential valid against the v1 schema, expiry in RFC 3339', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const test = testContext(fixture.home, { env: { KUBERNETES_EXEC_INFO: EXEC_INFO(false) } });
    expect(await main(['kubectl-credential', ...targetArgs(fixture.server)], test.context)).toBe(EXIT.ok);
    const credential = JSON.parse(test.io.stdoutText()) as { status: { token: string; expirationTimestamp: string } };
    expect(validateExecCredential(credential), JSON.stringify(validateExecCredential.errors)).toBe(true);
    expect(new Date(credential.status.expirationTimestamp).getTime()).toBeGreaterThan(Date.now());
    const me = await fetch(`${fixture.server.url}/api/me`, {
      headers: { authorization: `Bearer ${credential.status.token}` },
    });
    expect(me.status).toBe(200);
    expect(test.io.stderrText()).toBe('');
  });

  it('not signed in, kubectl says non-interactive: exit 4, nothing on stdout', async () => {
    const test = testContext(fixture.home, { env: { KUBERNETES_EXEC_INFO: EXEC_INFO(false) } });
    expect(await main(['kubectl-credential', ...targetArgs(fixture.server)], test.context)).toBe(
      EXIT.interactionRequired,
    );
    expect(test.io.stdoutText()).toBe('');
    expect(test.io.stderrText()).toMatch(/Sign in with: devicelogin login/);
  });

  it('not signed in, interactive: the device code on stderr, then the ExecCredential', async () => {
    const test = testContext(fixture.home, { env: { KUBERNETES_EXEC_INFO: EXEC_INFO(true) } });
    const exit = main(['kubectl-credential', ...targetArgs(fixture.server)], test.context);
    const [, code] = await test.io.waitForStderr(USER_CODE);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    expect(validateExecCredential(JSON.parse(test.io.stdoutText()))).toBe(true);
  });
});

describe('git-credential', () => {
  it('parses the action and git’s key=value input', () => {
    expect(gitCredentialCommand.parse(['--profile', 'ado', 'get'])).toMatchObject({
      action: 'get',
      target: { profile: 'ado' },
    });
    expect(() => gitCredentialCommand.parse(['fetch'])).toThrow(/get, store or erase/);
    expect([...parseCredentialInput('protocol=https\nhost=dev.azure.com\nusername=ada\n\nignored=1\n')]).toEqual([
      ['protocol', 'https'],
      ['host', 'dev.azure.com'],
      ['username', 'ada'],
    ]);
  });

  it('get: username and password (the access token) with its expiry', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const test = testContext(fixture.home, { stdin: 'protocol=https\nhost=git.example\n\n' });
    expect(await main(['git-credential', ...targetArgs(fixture.server), 'get'], test.context)).toBe(EXIT.ok);
    const answer = parseCredentialInput(test.io.stdoutText());
    expect(answer.get('username')).toBe(USER.username);
    expect(answer.get('password')).toMatch(/^ey/);
    expect(Number(answer.get('password_expiry_utc'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('get for plain http, store and erase: no output, exit 0', async () => {
    await restoreCache(fixture.home, fixture.cache);
    for (const [action, stdin] of [
      ['get', 'protocol=http\nhost=git.example\n\n'],
      ['store', 'protocol=https\nhost=git.example\nusername=a\npassword=b\n\n'],
      ['erase', 'protocol=https\nhost=git.example\n\n'],
    ] as const) {
      const test = testContext(fixture.home, { stdin });
      expect(await main(['git-credential', ...targetArgs(fixture.server), action], test.context)).toBe(EXIT.ok);
      expect(test.io.stdoutText()).toBe('');
    }
  });

  it('get, not signed in, no terminal: nothing on stdout, exit 4', async () => {
    const test = testContext(fixture.home, { stdin: 'protocol=https\nhost=git.example\n\n' });
    expect(await main(['git-credential', ...targetArgs(fixture.server), 'get'], test.context)).toBe(
      EXIT.interactionRequired,
    );
    expect(test.io.stdoutText()).toBe('');
  });
});
