/**
 * The parse half of every command: argv → the exact options object (pure: no files, no
 * network), or a UsageError (exit 2) with the message and the hint the user reads. What the
 * other command tests do not parse already: the target flags of each command, defaults, every
 * flag, and each refusal.
 */
import { describe, expect, it } from 'vitest';
import { accountsCommand } from '../../src/commands/accounts/accounts.js';
import { apiCommand } from '../../src/commands/api/api.js';
import { configCommand } from '../../src/commands/config/config.js';
import { gitCredentialCommand } from '../../src/commands/git/git-credential.js';
import { kubectlCredentialCommand } from '../../src/commands/kubectl/kubectl-credential.js';
import { loginCommand } from '../../src/commands/login/login.js';
import { logoutCommand } from '../../src/commands/logout/logout.js';
import { statusCommand } from '../../src/commands/status/status.js';
import { tokenCommand } from '../../src/commands/token/token.js';
import { UsageError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';

/** The UsageError `parse` throws; fails when it returns or throws anything else. */
function usageErrorOf(parse: () => unknown): UsageError {
  let result: unknown;
  try {
    result = parse();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a UsageError, got ${JSON.stringify(result)}`);
}

const ALL_TARGET_FLAGS = [
  '-p',
  'work',
  '--authority',
  'https://id.example/t',
  '--client-id',
  'app-1',
  '--provider',
  'keycloak',
  '--scopes',
  'a b',
  '--tenant',
  't1',
];
const ALL_TARGET = {
  profile: 'work',
  authority: 'https://id.example/t',
  clientId: 'app-1',
  provider: 'keycloak',
  scopes: 'a b',
  tenant: 't1',
};
const NO_TARGET = {
  profile: undefined,
  authority: undefined,
  clientId: undefined,
  provider: undefined,
  scopes: undefined,
  tenant: undefined,
};

describe('the target flags, the same for every command that talks to a provider', () => {
  it('login, token, api, kubectl-credential and git-credential read all six (and -p for --profile)', () => {
    expect(loginCommand.parse(ALL_TARGET_FLAGS).target).toStrictEqual(ALL_TARGET);
    expect(tokenCommand.parse(ALL_TARGET_FLAGS).target).toStrictEqual(ALL_TARGET);
    expect(apiCommand.parse(['/x', ...ALL_TARGET_FLAGS]).target).toStrictEqual(ALL_TARGET);
    expect(kubectlCredentialCommand.parse(ALL_TARGET_FLAGS).target).toStrictEqual(ALL_TARGET);
    expect(gitCredentialCommand.parse([...ALL_TARGET_FLAGS, 'get']).target).toStrictEqual(ALL_TARGET);
  });

  it('--dpop: login, token and api only; the credential helpers refuse it (their programs send Bearer)', () => {
    expect(loginCommand.parse(['--dpop']).target).toStrictEqual({ ...NO_TARGET, dpop: true });
    expect(tokenCommand.parse(['--dpop']).target.dpop).toBe(true);
    expect(tokenCommand.parse([]).target).toStrictEqual(NO_TARGET);
    expect(usageErrorOf(() => kubectlCredentialCommand.parse(['--dpop']))).toMatchObject({
      message: "Unknown option '--dpop'.",
      hint: 'See: devicelogin kubectl-credential --help',
      exitCode: EXIT.usage,
    });
    expect(usageErrorOf(() => gitCredentialCommand.parse(['--dpop', 'get'])).hint).toBe(
      'See: devicelogin git-credential --help',
    );
  });

  it('a flag without its value is a usage error naming the flag', () => {
    expect(usageErrorOf(() => tokenCommand.parse(['--client-id'])).message).toMatch(/--client-id/);
    expect(usageErrorOf(() => loginCommand.parse(['--authority'])).hint).toBe('See: devicelogin login --help');
  });
});

describe('token: parse', () => {
  it('defaults, and every flag', () => {
    expect(tokenCommand.parse([])).toStrictEqual({
      target: NO_TARGET,
      account: undefined,
      json: false,
      interactive: false,
      forceRefresh: false,
    });
    expect(tokenCommand.parse(['--force-refresh', '--account', 'ada@contoso.example', '--json'])).toStrictEqual({
      target: NO_TARGET,
      account: 'ada@contoso.example',
      json: true,
      interactive: false,
      forceRefresh: true,
    });
  });

  it('refuses a stray argument', () => {
    expect(usageErrorOf(() => tokenCommand.parse(['extra']))).toMatchObject({
      message: 'Unexpected argument "extra".',
      hint: 'See: devicelogin token --help',
    });
  });
});

describe('api: parse', () => {
  it('defaults: GET, no headers, no body, not interactive', () => {
    expect(apiCommand.parse(['https://api.example/items'])).toStrictEqual({
      target: NO_TARGET,
      request: { url: 'https://api.example/items', method: 'GET', headers: [], data: undefined },
      account: undefined,
      interactive: false,
    });
  });

  it('--account, --interactive, -d @- (read at run time, not here), header value with colons', () => {
    expect(
      apiCommand.parse(['/x', '--account', 'a', '--interactive', '-d', '@-', '-H', 'X-Url:  https://a.example:1 ']),
    ).toStrictEqual({
      target: NO_TARGET,
      request: { url: '/x', method: 'POST', headers: [['X-Url', 'https://a.example:1']], data: '@-' },
      account: 'a',
      interactive: true,
    });
  });

  it('refuses: a method that is not a token, a header without a name, two URLs', () => {
    expect(usageErrorOf(() => apiCommand.parse(['/x', '-X', 'GE T'])).message).toBe('-X "GE T" is not an HTTP method.');
    expect(usageErrorOf(() => apiCommand.parse(['/x', '-H', 'no colon'])).message).toBe(
      '-H "no colon" is not "Name: value".',
    );
    expect(usageErrorOf(() => apiCommand.parse(['/x', '-H', ': v'])).message).toBe('-H ": v" is not "Name: value".');
    expect(usageErrorOf(() => apiCommand.parse(['/x', '-H', 'authorization: x'])).message).toMatch(/not allowed/);
    expect(usageErrorOf(() => apiCommand.parse(['/a', '/b']))).toMatchObject({
      message: 'Unexpected argument "/b".',
      hint: 'See: devicelogin api --help',
    });
    expect(usageErrorOf(() => apiCommand.parse([])).hint).toBe('Example: devicelogin api /api/me');
  });
});

describe('accounts and status: parse', () => {
  for (const [name, command] of [
    ['accounts', accountsCommand],
    ['status', statusCommand],
  ] as const) {
    it(`${name}: --json or not; nothing else`, () => {
      expect(command.parse([])).toStrictEqual({ json: false });
      expect(command.parse(['--json'])).toStrictEqual({ json: true });
      expect(usageErrorOf(() => command.parse(['all']))).toMatchObject({
        message: 'Unexpected argument "all".',
        hint: `See: devicelogin ${name} --help`,
      });
      expect(usageErrorOf(() => command.parse(['--profile', 'x'])).message).toBe("Unknown option '--profile'.");
    });
  }
});

describe('logout: parse', () => {
  const noTarget = NO_TARGET;

  it('the only account by default, or one named; revokes unless --local; no positional', () => {
    expect(logoutCommand.parse([])).toStrictEqual({ account: undefined, all: false, revoke: true, target: noTarget });
    expect(logoutCommand.parse(['--account', 'ada@contoso.example'])).toStrictEqual({
      account: 'ada@contoso.example',
      all: false,
      revoke: true,
      target: noTarget,
    });
    expect(logoutCommand.parse(['--all', '--local'])).toMatchObject({ all: true, revoke: false });
    expect(usageErrorOf(() => logoutCommand.parse(['ada@contoso.example'])).message).toBe(
      'Unexpected argument "ada@contoso.example".',
    );
  });

  it('the app to revoke with: the target options', () => {
    expect(logoutCommand.parse(['--profile', 'work']).target).toMatchObject({ profile: 'work' });
    expect(logoutCommand.parse(['--authority', 'https://id.example.com', '--client-id', 'app']).target).toMatchObject({
      authority: 'https://id.example.com',
      clientId: 'app',
    });
    expect(usageErrorOf(() => logoutCommand.parse(['--no-revoke'])).message).toBe("Unknown option '--no-revoke'.");
  });
});

describe('config: parse', () => {
  it('each action and its arguments', () => {
    expect(configCommand.parse(['list'])).toStrictEqual({ action: 'list', json: false });
    expect(configCommand.parse(['list', '--json'])).toStrictEqual({ action: 'list', json: true });
    expect(configCommand.parse(['path'])).toStrictEqual({ action: 'path' });
    expect(configCommand.parse(['get', 'keyring'])).toStrictEqual({
      action: 'get',
      profile: undefined,
      key: 'keyring',
    });
    expect(configCommand.parse(['unset', '-p', 'work', 'scopes'])).toStrictEqual({
      action: 'unset',
      profile: 'work',
      key: 'scopes',
    });
    expect(configCommand.parse(['set', 'default-profile', 'work'])).toStrictEqual({
      action: 'set',
      profile: undefined,
      key: 'default-profile',
      value: 'work',
    });
    expect(configCommand.parse(['set', 'keyring', 'required'])).toMatchObject({ key: 'keyring', value: 'required' });
  });

  it('refuses: no action, an unknown one, wrong arity, a bad profile name, bad values', () => {
    for (const args of [[], ['show']]) {
      expect(usageErrorOf(() => configCommand.parse(args))).toMatchObject({
        message: 'Expected set, get, unset, list or path.',
        hint: 'See: devicelogin config --help',
      });
    }
    expect(usageErrorOf(() => configCommand.parse(['path', 'x'])).message).toBe('config path takes 0 arguments.');
    expect(usageErrorOf(() => configCommand.parse(['set', 'keyring'])).message).toBe('config set takes 2 arguments.');
    expect(usageErrorOf(() => configCommand.parse(['get', '-p', 'a/b', 'scopes'])).message).toBe(
      'Profile name "a/b" may only contain letters, digits, ".", "_" and "-".',
    );
    expect(usageErrorOf(() => configCommand.parse(['get', '-p', 'w', 'keyring']))).toMatchObject({
      message: 'Unknown profile key "keyring".',
      hint: expect.stringMatching(/^Profile keys: authority, client-id, /) as unknown,
    });
    expect(usageErrorOf(() => configCommand.parse(['set', '-p', 'w', 'authority', 'id.example'])).message).toBe(
      'authority must be an absolute URL.',
    );
    expect(usageErrorOf(() => configCommand.parse(['set', '-p', 'w', 'client-id', ''])).message).toBe(
      'client-id must not be empty.',
    );
  });
});

describe('kubectl-credential: parse', () => {
  it('defaults, --account and --no-interactive; no positional', () => {
    expect(kubectlCredentialCommand.parse([])).toStrictEqual({
      target: NO_TARGET,
      account: undefined,
      neverInteractive: false,
    });
    expect(kubectlCredentialCommand.parse(['--account', 'a', '--no-interactive'])).toStrictEqual({
      target: NO_TARGET,
      account: 'a',
      neverInteractive: true,
    });
    expect(usageErrorOf(() => kubectlCredentialCommand.parse(['get'])).message).toBe('Unexpected argument "get".');
  });
});

describe('git-credential: parse', () => {
  it('store and erase, --username, --account and --no-interactive', () => {
    expect(gitCredentialCommand.parse(['store'])).toStrictEqual({
      action: 'store',
      target: NO_TARGET,
      account: undefined,
      username: undefined,
      neverInteractive: false,
    });
    expect(
      gitCredentialCommand.parse(['--username', 'x-access-token', '--account', 'a', '--no-interactive', 'erase']),
    ).toStrictEqual({
      action: 'erase',
      target: NO_TARGET,
      account: 'a',
      username: 'x-access-token',
      neverInteractive: true,
    });
  });

  it('exactly one action', () => {
    for (const args of [[], ['get', 'store']]) {
      expect(usageErrorOf(() => gitCredentialCommand.parse(args))).toMatchObject({
        message: 'Expected one action: get, store or erase.',
        hint: 'git runs the helper with one of them.',
      });
    }
  });
});
