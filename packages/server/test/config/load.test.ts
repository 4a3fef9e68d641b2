/**
 * loadServerConfig: file + environment + flags with flags > environment > file > defaults, and an
 * error naming the field (and where its value came from) for everything wrong.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, ServerConfigError } from '../../src/config/defaults.js';
import { CONFIGURATION_EXAMPLE } from '../../src/config/doc.js';
import { loadServerConfig, type LoadServerConfigOptions } from '../../src/config/load.js';

const DEFAULT_URL = 'http://127.0.0.1:3000';

/** Loads with in-memory files. */
function load(
  argv: readonly string[],
  options: { env?: Record<string, string>; files?: Record<string, unknown> } & Partial<LoadServerConfigOptions> = {},
): ReturnType<typeof loadServerConfig> {
  const files = options.files ?? {};
  return loadServerConfig({
    argv,
    env: options.env ?? {},
    defaultPublicUrl: DEFAULT_URL,
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) return Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' }));
      return Promise.resolve(typeof content === 'string' ? content : JSON.stringify(content));
    },
    ...(options.extraOptions === undefined ? {} : { extraOptions: options.extraOptions }),
  });
}

async function failure(promise: Promise<unknown>): Promise<ServerConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServerConfigError);
  return error as ServerConfigError;
}

describe('loadServerConfig: sources and precedence', () => {
  it('defaults alone', async () => {
    const config = await load([]);
    expect(config).toMatchObject({ ...DEFAULTS, publicUrl: DEFAULT_URL, tenants: ['common', 'contoso'] });
  });

  it('flags > environment > file > defaults, field by field', async () => {
    const file = {
      sqlitePath: 'file.sqlite',
      pollIntervalSeconds: 7,
      errorDialect: 'entra',
      apiAudience: 'api://file',
    };
    const env = {
      DEVICELOGIN_SQLITE_PATH: 'env.sqlite',
      DEVICELOGIN_POLL_INTERVAL_SECONDS: '9',
      DEVICELOGIN_TENANTS: 'fabrikam, contoso',
    };
    const config = await load(
      ['--config', 'c.json', '--sqlite-path', 'flag.sqlite', '--public-url', 'https://x.test/'],
      {
        env,
        files: { 'c.json': file },
      },
    );
    expect(config.sqlitePath).toBe('flag.sqlite');
    expect(config.publicUrl).toBe('https://x.test');
    expect(config.pollIntervalSeconds).toBe(9);
    expect(config.tenants).toStrictEqual(['common', 'fabrikam', 'contoso']);
    expect(config.errorDialect).toBe('entra');
    expect(config.apiAudience).toBe('api://file');
    expect(config.deviceCodeTtlSeconds).toBe(DEFAULTS.deviceCodeTtlSeconds);
  });

  it('finds the file by --config, the positional argument or DEVICELOGIN_CONFIG; empty variables are unset', async () => {
    const files = { 'a.json': { sqlitePath: 'a' }, 'b.json': { sqlitePath: 'b' } };
    expect((await load(['a.json'], { files })).sqlitePath).toBe('a');
    expect((await load([], { files, env: { DEVICELOGIN_CONFIG: 'b.json' } })).sqlitePath).toBe('b');
    expect((await load(['--config=a.json'], { files, env: { DEVICELOGIN_CONFIG: 'b.json' } })).sqlitePath).toBe('a');
    expect((await load([], { files, env: { DEVICELOGIN_CONFIG: '', DEVICELOGIN_SQLITE_PATH: '' } })).sqlitePath).toBe(
      DEFAULTS.sqlitePath,
    );
    expect((await failure(load(['--config', 'a.json', 'b.json'], { files }))).message).toMatch(/cannot both/);
  });

  it('reads the cookie secret from the environment, clients and users from the file', async () => {
    const secret = 'x'.repeat(40);
    const config = await load(['--config', 'c.json'], {
      env: { DEVICELOGIN_COOKIE_SECRET: secret },
      files: { 'c.json': CONFIGURATION_EXAMPLE },
    });
    expect(config.cookieSecret).toBe(secret);
    expect(config.clients).toStrictEqual(CONFIGURATION_EXAMPLE.clients);
    expect(config.users[0]?.username).toBe('ada@contoso.example');
  });

  it('accepts the flags the caller declares (main.ts: --https) and ignores them', async () => {
    const extraOptions = { https: { type: 'boolean' } } as const;
    expect((await load(['--https', '--sqlite-path', 's'], { extraOptions })).sqlitePath).toBe('s');
    expect((await failure(load(['--https']))).message).toMatch(/Unknown option '--https'/);
  });
});

describe('loadServerConfig: errors name the field', () => {
  it('an unknown key in the file, with the nearest known name', async () => {
    const error = await failure(load(['c.json'], { files: { 'c.json': { sqlitPath: 'x' } } }));
    expect(error.field).toBe('sqlitPath');
    expect(error.message).toContain('sqlitPath is not a known field (in c.json); did you mean sqlitePath?');
    const nested = await failure(
      load(['c.json'], { files: { 'c.json': { clients: [{ clientId: 'a', name: 'A', scopes: ['x'] }] } } }),
    );
    expect(nested.field).toBe('clients[0].scopes');
  });

  it.each([
    [{ pollIntervalSeconds: '5' }, 'pollIntervalSeconds', 'must be an integer (got a string in c.json)'],
    [{ pollIntervalSeconds: 2.5 }, 'pollIntervalSeconds', 'must be an integer (got a fractional number in c.json)'],
    [{ tenants: 'contoso' }, 'tenants', 'must be an array of strings (got a string in c.json)'],
    [{ tenants: ['contoso', 3] }, 'tenants[1]', 'must be a string (got a number in c.json)'],
    [{ errorDialect: 'oauth' }, 'errorDialect', 'must be one of rfc8628, entra (got a string in c.json)'],
    [{ cookieSecret: null }, 'cookieSecret', 'must be a string (got null in c.json)'],
    [{ clients: {} }, 'clients', 'must be an array of ClientConfig (got an object in c.json)'],
    [
      { clients: [{ clientId: 'a', name: 'A', deepLinkEnabled: 'no' }] },
      'clients[0].deepLinkEnabled',
      'must be a boolean',
    ],
    [{ clients: [{ name: 'A' }] }, 'clients[0].clientId', 'is required (in c.json)'],
    [
      { users: [{ tenant: 'contoso', username: 'u', displayName: 'U', password: 12345678 }] },
      'users[0].password',
      'must be a string (got a number in c.json)',
    ],
    [
      { users: [{ tenant: 'elsewhere', username: 'u', displayName: 'U', password: 'p' }] },
      'users[0].tenant',
      'is not one of tenants (set by c.json)',
    ],
    [{ accessTokenTtlSeconds: 60 }, 'accessTokenTtlSeconds', 'must be above 300'],
    [[], 'config file c.json', 'must be an object (got an array)'],
  ])('%j → %s', async (file, field, problem) => {
    const error = await failure(load(['c.json'], { files: { 'c.json': file } }));
    expect(error.field).toBe(field);
    expect(error.message).toContain(problem);
  });

  it('never echoes a value from the file (it may be a password)', async () => {
    const error = await failure(
      load(['c.json'], {
        files: { 'c.json': { users: [{ tenant: 'contoso', username: 'u', displayName: 'U', password: ['s3cret'] }] } },
      }),
    );
    expect(error.message).not.toContain('s3cret');
  });

  it('a malformed variable or flag names it, and so does a value it set that fails validation', async () => {
    const fromEnv = await failure(load([], { env: { DEVICELOGIN_POLL_INTERVAL_SECONDS: 'soon' } }));
    expect(fromEnv.message).toBe(
      'Invalid server configuration: pollIntervalSeconds must be an integer (DEVICELOGIN_POLL_INTERVAL_SECONDS is "soon")',
    );
    const dialect = await failure(load(['--error-dialect', 'oauth']));
    expect(dialect.message).toContain('errorDialect must be one of rfc8628, entra (--error-dialect is "oauth")');
    const ttl = await failure(
      load(['--access-token-ttl-seconds', '60'], { env: { DEVICELOGIN_ACCESS_TOKEN_TTL_SECONDS: '7200' } }),
    );
    expect(ttl.message).toMatch(/accessTokenTtlSeconds must be above 300 .*\(set by --access-token-ttl-seconds\)$/);
    const url = await failure(load([], { env: { DEVICELOGIN_PUBLIC_URL: 'ftp://x' } }));
    expect(url.message).toContain('publicUrl must be an absolute http(s) URL (set by DEVICELOGIN_PUBLIC_URL)');
    const secret = await failure(load([], { env: { DEVICELOGIN_COOKIE_SECRET: 'short' } }));
    expect(secret.message).toContain('cookieSecret must be at least 32 characters (set by DEVICELOGIN_COOKIE_SECRET)');
    expect(secret.message).not.toContain('short');
    expect((await failure(load(['--sqlite-path', '']))).message).toContain('sqlitePath must not be empty');
    expect((await failure(load(['--frobnicate']))).message).toMatch(/Unknown option '--frobnicate'/);
  });

  it('an unreadable or malformed file names the file', async () => {
    expect((await failure(load(['--config', 'missing.json']))).message).toBe(
      'Invalid server configuration: config file missing.json cannot be read (ENOENT)',
    );
    const error = await failure(load(['c.json'], { files: { 'c.json': '{ "tenants": [' } }));
    expect(error.message).toMatch(/^Invalid server configuration: config file c\.json is not valid JSON \(/);
  });

  it.each([
    ['--password', 'hunter2'],
    ['--password=hunter2'],
    ['--user-password', 'x'],
    ['--cookie-secret', 'x'.repeat(40)],
  ])('refuses %s on the command line, saying why', async (...argv) => {
    const error = await failure(load(argv));
    expect(error.message).toContain('is refused: secrets on the command line are visible to every local user');
    expect(error.message).toContain('shell history');
    expect(error.message).not.toContain('hunter2');
  });
});
