/**
 * `trustProxy` and `purgeIntervalSeconds`: read from the file, the environment (`trustProxy` as
 * names separated by spaces or commas, as `tenants`) and flags; validated at start with an error
 * naming the field and, for `trustProxy`, the entry at fault.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, ServerConfigError, resolveServerConfig } from '../../src/config/defaults.js';
import { loadServerConfig } from '../../src/config/load.js';
import { trustProxyEntryProblem } from '../../src/config/trust-proxy.js';

const PUBLIC_URL = 'http://127.0.0.1:3000';

function load(argv: readonly string[], env: Record<string, string> = {}, file?: unknown) {
  return loadServerConfig({
    argv: file === undefined ? argv : ['--config', 'c.json', ...argv],
    env,
    defaultPublicUrl: PUBLIC_URL,
    readFile: () => Promise.resolve(JSON.stringify(file)),
  });
}

function configError(run: () => unknown): ServerConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    return error as ServerConfigError;
  }
  throw new Error('no ServerConfigError');
}

describe('trustProxy', () => {
  it('defaults to trusting no proxy', () => {
    expect(DEFAULTS.trustProxy).toEqual([]);
    expect(resolveServerConfig({ publicUrl: PUBLIC_URL }).trustProxy).toEqual([]);
  });

  it('accepts IPv4 and IPv6 addresses and CIDR ranges', () => {
    const entries = ['127.0.0.1', '10.0.0.0/8', '192.168.1.7/32', '0.0.0.0/0', '::1', 'fd00::/8', '::ffff:10.1.2.3'];
    expect(resolveServerConfig({ publicUrl: PUBLIC_URL, trustProxy: entries }).trustProxy).toEqual(entries);
    for (const entry of [...entries, '2001:db8::/128', '::/0']) expect(trustProxyEntryProblem(entry)).toBeUndefined();
  });

  it.each([
    ['localhost', 'is not an IPv4 or IPv6 address, nor a CIDR range'],
    ['10.0.0.256', 'is not an IPv4 or IPv6 address, nor a CIDR range'],
    ['10.0.0.0/33', 'has a prefix length above 32'],
    ['fd00::/129', 'has a prefix length above 128'],
    ['10.0.0.0/', 'has no valid prefix length after "/" (0 to 32)'],
    ['10.0.0.0/8/8', 'has no valid prefix length after "/" (0 to 32)'],
    ['10.0.0.0/-1', 'has no valid prefix length after "/" (0 to 32)'],
    ['10.0.0.0/255.0.0.0', 'has no valid prefix length after "/" (0 to 32)'],
    ['fe80::1%eth0', 'must not carry a zone index (%…)'],
    ['', 'is not an IPv4 or IPv6 address, nor a CIDR range'],
  ])('refuses %j, naming it', (entry, problem) => {
    const error = configError(() => resolveServerConfig({ publicUrl: PUBLIC_URL, trustProxy: ['127.0.0.1', entry] }));
    expect(error.field).toBe('trustProxy');
    expect(error.problem).toContain(`entry "${entry}" ${problem}`);
  });

  it('comes from the file, DEVICELOGIN_TRUST_PROXY (commas or spaces) or --trust-proxy, flags first', async () => {
    expect((await load([], {}, { trustProxy: ['10.0.0.5'] })).trustProxy).toEqual(['10.0.0.5']);
    const env = { DEVICELOGIN_TRUST_PROXY: '10.0.0.5, 10.0.1.0/24 fd00::/8' };
    expect((await load([], env, { trustProxy: ['192.0.2.1'] })).trustProxy).toEqual([
      '10.0.0.5',
      '10.0.1.0/24',
      'fd00::/8',
    ]);
    expect((await load(['--trust-proxy', '127.0.0.1,::1'], env)).trustProxy).toEqual(['127.0.0.1', '::1']);
  });

  it('a bad entry from the environment names the entry and the variable', async () => {
    const error = await load([], { DEVICELOGIN_TRUST_PROXY: '10.0.0.5,10.0.0.0/40' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as Error).message).toBe(
      'Invalid server configuration: trustProxy entry "10.0.0.0/40" has a prefix length above 32 (set by DEVICELOGIN_TRUST_PROXY)',
    );
  });
});

describe('purgeIntervalSeconds', () => {
  it('defaults to 600; 0 (off) and 60 to 86,400 are accepted', () => {
    expect(resolveServerConfig({ publicUrl: PUBLIC_URL }).purgeIntervalSeconds).toBe(600);
    for (const value of [0, 60, 3600, 86_400]) {
      expect(resolveServerConfig({ publicUrl: PUBLIC_URL, purgeIntervalSeconds: value }).purgeIntervalSeconds).toBe(
        value,
      );
    }
  });

  it.each([1, 59, 86_401, -1, 1.5])('refuses %d', (value) => {
    const error = configError(() => resolveServerConfig({ publicUrl: PUBLIC_URL, purgeIntervalSeconds: value }));
    expect(error.field).toBe('purgeIntervalSeconds');
    expect(error.problem).toBe('must be 0 (off) or an integer from 60 to 86400');
  });

  it('comes from DEVICELOGIN_PURGE_INTERVAL_SECONDS or --purge-interval-seconds', async () => {
    expect((await load([], { DEVICELOGIN_PURGE_INTERVAL_SECONDS: '0' })).purgeIntervalSeconds).toBe(0);
    expect((await load(['--purge-interval-seconds', '120'])).purgeIntervalSeconds).toBe(120);
  });
});

describe('tenants', () => {
  it('refuses "device": the verification pages own every path under /device', () => {
    const error = configError(() => resolveServerConfig({ publicUrl: PUBLIC_URL, tenants: ['contoso', 'device'] }));
    expect(error.message).toContain('tenants');
    expect(error.message).toContain('"device" is reserved');
    expect(resolveServerConfig({ publicUrl: PUBLIC_URL, tenants: ['devices'] }).tenants).toContain('devices');
  });
});
