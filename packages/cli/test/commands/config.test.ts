import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configCommand } from '../../src/commands/config/config.js';
import type { ConfigFile, ProfileKey } from '../../src/config/config-file.js';
import { resolveTarget, type Target, type TargetFlags } from '../../src/config/target.js';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { cliHome, testContext, type CliHome } from '../support/cli-env.js';

let home: CliHome;
beforeEach(async () => {
  home = await cliHome();
});
afterEach(() => home.remove());

async function run(...args: string[]) {
  const test = testContext(home);
  const exit = await main(args, test.context);
  return { exit, out: test.io.stdoutText(), err: test.io.stderrText() };
}

describe('config: parse', () => {
  it('set needs a known key and a valid value', () => {
    expect(configCommand.parse(['set', '--profile', 'w', 'client-id', 'abc'])).toEqual({
      action: 'set',
      profile: 'w',
      key: 'client-id',
      value: 'abc',
    });
    expect(() => configCommand.parse(['set', 'client-id', 'abc'])).toThrow(/Unknown global key/);
    expect(() => configCommand.parse(['set', 'keyring', 'sometimes'])).toThrow(/keyring must be auto or required/);
    expect(() => configCommand.parse(['set', '--profile', 'w', 'provider', 'myspace'])).toThrow(/Unknown provider/);
    expect(() => configCommand.parse(['get'])).toThrow(/takes 1 argument/);
  });
});

describe('config: run', () => {
  it('set, get, list, unset round trip in a 0600 file under DEVICELOGIN_CONFIG_DIR', async () => {
    expect(
      (await run('config', 'set', '--profile', 'work', 'authority', 'https://login.microsoftonline.com/contoso.com'))
        .exit,
    ).toBe(0);
    expect((await run('config', 'set', '--profile', 'work', 'client-id', 'app-1')).exit).toBe(0);
    expect((await run('config', 'set', '--profile', 'work', 'client-secret', 'not-printed-by-list')).exit).toBe(0);
    expect((await run('config', 'set', 'default-profile', 'work')).exit).toBe(0);
    const path = join(home.env['DEVICELOGIN_CONFIG_DIR']!, 'config.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await run('config', 'get', '--profile', 'work', 'client-id')).toMatchObject({ exit: 0, out: 'app-1\n' });
    const list = await run('config', 'list');
    expect(list.out).toBe(
      'default-profile=work\n' +
        'profiles.work.authority=https://login.microsoftonline.com/contoso.com\n' +
        'profiles.work.client-id=app-1\n' +
        'profiles.work.client-secret=(set)\n',
    );
    expect((await run('config', 'unset', '--profile', 'work', 'client-id')).exit).toBe(0);
    expect(await run('config', 'get', '--profile', 'work', 'client-id')).toEqual({
      exit: EXIT.error,
      out: '',
      err: 'client-id is not set in profile "work".\n',
    });
    expect(await run('config', 'path')).toMatchObject({ out: `${path}\n` });
  });

  it('get of an unset key: exit 1, one line on stderr saying what is not set where', async () => {
    expect(await run('config', 'get', 'default-profile')).toEqual({
      exit: EXIT.error,
      out: '',
      err: 'default-profile is not set.\n',
    });
    expect(await run('config', 'get', '--profile', 'nope', 'scopes')).toEqual({
      exit: EXIT.error,
      out: '',
      err: 'scopes is not set: there is no profile "nope".\n',
    });
  });

  it('a broken config file is a usage error naming the file', async () => {
    const dir = home.env['DEVICELOGIN_CONFIG_DIR']!;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), '{"profiles": {"x": {"colour": "blue"}}}');
    const result = await run('config', 'list');
    expect(result.exit).toBe(EXIT.usage);
    expect(result.err).toContain(
      `The config file ${join(dir, 'config.json')} is invalid: profile "x": unknown key "colour".`,
    );
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual({
      profiles: { x: { colour: 'blue' } },
    });
  });
});

describe('profiles and environment', () => {
  const config = {
    'default-profile': 'work',
    profiles: {
      work: { authority: 'https://login.microsoftonline.com/contoso.com', 'client-id': 'app-1', scopes: 'User.Read' },
      gh: { provider: 'github', 'client-id': 'Iv1.abc' },
    },
  };

  it('flags over environment over profile; the default profile when none is named', () => {
    expect(resolveTarget({}, {}, config)).toMatchObject({
      profileName: 'work',
      clientId: 'app-1',
      scopes: ['User.Read'],
    });
    expect(resolveTarget({ scopes: 'a,b' }, { DEVICELOGIN_SCOPES: 'c' }, config).scopes).toEqual(['a', 'b']);
    expect(resolveTarget({}, { DEVICELOGIN_SCOPES: 'c d' }, config).scopes).toEqual(['c', 'd']);
    expect(resolveTarget({}, { DEVICELOGIN_PROFILE: 'gh' }, config)).toMatchObject({
      provider: 'github',
      clientId: 'Iv1.abc',
    });
    expect(resolveTarget({ tenant: 'fabrikam.com' }, {}, config).authority).toBe(
      'https://login.microsoftonline.com/fabrikam.com',
    );
  });

  /** One row per setting docs/cli.md lists: its flag (if any), its variable, its profile key. */
  const SETTINGS: readonly {
    readonly key: ProfileKey;
    readonly variable: string;
    readonly flag: 'authority' | 'clientId' | 'provider' | 'scopes' | 'tenant' | undefined;
    /** The flag's, the variable's and the profile's values. */
    readonly values: readonly [string, string, string];
    /** What the target makes of a value (undefined: the setting's default). */
    readonly read: (target: Target) => unknown;
    readonly expected: (value: string | undefined) => unknown;
  }[] = [
    {
      key: 'authority',
      variable: 'DEVICELOGIN_AUTHORITY',
      flag: 'authority',
      values: ['https://flag.example/t', 'https://env.example/t', 'https://profile.example/t'],
      read: (t) => t.authority,
      expected: (v) => v,
    },
    {
      key: 'client-id',
      variable: 'DEVICELOGIN_CLIENT_ID',
      flag: 'clientId',
      values: ['flag-client', 'env-client', 'profile-client'],
      read: (t) => t.clientId,
      expected: (v) => v,
    },
    {
      key: 'provider',
      variable: 'DEVICELOGIN_PROVIDER',
      flag: 'provider',
      values: ['okta', 'auth0', 'keycloak'],
      read: (t) => t.provider,
      expected: (v) => v,
    },
    {
      key: 'scopes',
      variable: 'DEVICELOGIN_SCOPES',
      flag: 'scopes',
      values: ['flag.scope', 'env.scope', 'profile.scope'],
      read: (t) => t.scopes,
      expected: (v) => (v === undefined ? [] : [v]),
    },
    {
      key: 'tenant',
      variable: 'DEVICELOGIN_TENANT',
      flag: 'tenant',
      values: ['flag-tenant', 'env-tenant', 'profile-tenant'],
      read: (t) => t.authority,
      expected: (v) => `https://base.example/${v ?? 'base'}`,
    },
    {
      key: 'client-secret',
      variable: 'DEVICELOGIN_CLIENT_SECRET',
      flag: undefined,
      values: ['', 'env-secret', 'profile-secret'],
      read: (t) => t.clientSecret,
      expected: (v) => v,
    },
    {
      key: 'audience',
      variable: 'DEVICELOGIN_AUDIENCE',
      flag: undefined,
      values: ['', 'https://env.api', 'https://profile.api'],
      read: (t) => t.extraParameters,
      expected: (v) => (v === undefined ? {} : { audience: v }),
    },
    {
      key: 'dpop',
      variable: 'DEVICELOGIN_DPOP',
      flag: undefined, // --dpop can only turn DPoP on: its own test below
      values: ['', 'false', 'true'],
      read: (t) => t.dpop,
      expected: (v) => v === 'true',
    },
  ];

  it.each(SETTINGS)('$key: the flag over $variable over the profile over the default', (setting) => {
    const base: Record<string, string> = { authority: 'https://base.example/base', 'client-id': 'base-client' };
    const [flagValue, envValue, profileValue] = setting.values;
    const withKey = { profiles: { p: { ...base, [setting.key]: profileValue } } };
    const withoutKey = Object.fromEntries(Object.entries(base).filter(([key]) => key !== setting.key));
    const env = { [setting.variable]: envValue };
    const resolve = (flags: TargetFlags, vars: Record<string, string>, config: ConfigFile) =>
      setting.read(resolveTarget({ profile: 'p', ...flags }, vars, config));

    expect(resolve({}, {}, withKey)).toEqual(setting.expected(profileValue));
    expect(resolve({}, env, withKey)).toEqual(setting.expected(envValue));
    if (setting.flag !== undefined) {
      expect(resolve({ [setting.flag]: flagValue }, env, withKey)).toEqual(setting.expected(flagValue));
    }
    if (setting.key === 'client-id') {
      expect(() => resolve({}, {}, { profiles: { p: withoutKey } })).toThrow(/No client id/);
    } else {
      expect(resolve({}, {}, { profiles: { p: withoutKey } })).toEqual(setting.expected(undefined));
    }
  });

  it('an app on the command line does not inherit the default profile', () => {
    expect(resolveTarget({ authority: 'http://127.0.0.1:3000/contoso', clientId: 'demo' }, {}, config)).toMatchObject({
      profileName: undefined,
      scopes: [],
    });
  });

  it('dpop: --dpop over DEVICELOGIN_DPOP over the profile; off by default', () => {
    const withDpop = { profiles: { d: { 'client-id': 'c', authority: 'https://id.example', dpop: 'true' } } };
    expect(resolveTarget({ clientId: 'c', authority: 'https://id.example' }, {}, {}).dpop).toBe(false);
    expect(resolveTarget({ profile: 'd' }, {}, withDpop)).toMatchObject({
      dpop: true,
      loginCommand: 'devicelogin login --profile d',
    });
    expect(resolveTarget({ profile: 'd' }, { DEVICELOGIN_DPOP: '0' }, withDpop).dpop).toBe(false);
    expect(resolveTarget({ profile: 'd', dpop: true }, { DEVICELOGIN_DPOP: 'false' }, withDpop).dpop).toBe(true);
    expect(
      resolveTarget({ clientId: 'c', authority: 'https://id.example' }, { DEVICELOGIN_DPOP: 'yes' }, {}).dpop,
    ).toBe(true);
    expect(resolveTarget({ clientId: 'c', authority: 'https://id.example', dpop: true }, {}, {}).loginCommand).toBe(
      'devicelogin login --authority https://id.example --client-id c --dpop',
    );
    expect(() => resolveTarget({ profile: 'd' }, { DEVICELOGIN_DPOP: 'maybe' }, withDpop)).toThrow(
      /DEVICELOGIN_DPOP must be true or false/,
    );
    expect(() => configCommand.parse(['set', '--profile', 'w', 'dpop', 'on'])).toThrow(/dpop must be true or false/);
    expect(configCommand.parse(['set', '--profile', 'w', 'dpop', 'true'])).toMatchObject({
      key: 'dpop',
      value: 'true',
    });
  });

  it('unknown profile, unknown provider, no client id, okta without authority: usage errors', () => {
    expect(() => resolveTarget({ profile: 'nope' }, {}, config)).toThrow(/No profile named "nope"/);
    expect(() => resolveTarget({ provider: 'myspace', clientId: 'x' }, {}, {})).toThrow(/Unknown provider/);
    expect(() => resolveTarget({}, {}, {})).toThrow(/No client id/);
    expect(() => resolveTarget({ provider: 'okta', clientId: 'x' }, {}, {})).toThrow(/needs --authority/);
  });
});

describe('help', () => {
  it('every command has --help with examples and exit codes, exit 0', async () => {
    const general = await run('--help');
    expect(general.exit).toBe(0);
    const names = [...general.out.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    expect(names).toEqual([
      'login',
      'token',
      'api',
      'accounts',
      'logout',
      'status',
      'config',
      'kubectl-credential',
      'git-credential',
    ]);
    for (const name of names) {
      const help = await run(name, '--help');
      expect(help.exit).toBe(0);
      expect(help.out).toMatch(/Usage: /);
      expect(help.out).toMatch(/Examples?:/);
      expect(help.out).toMatch(/Exit codes: /);
    }
  });

  it('no command: the help and exit 2; an unknown one: exit 2', async () => {
    expect((await run()).exit).toBe(EXIT.usage);
    const unknown = await run('logn');
    expect(unknown).toMatchObject({
      exit: EXIT.usage,
      err: 'error: Unknown command "logn".\nSee: devicelogin --help\n',
    });
  });
});
