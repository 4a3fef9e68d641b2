import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTlsDir, trustInstructions } from '../../src/tls/locations.js';

describe('defaultTlsDir', () => {
  it('uses $XDG_DATA_HOME, else ~/.local/share, else ./.devicelogin', () => {
    expect(defaultTlsDir({ XDG_DATA_HOME: '/data', HOME: '/home/ada' }, '/work')).toBe('/data/devicelogin/tls');
    expect(defaultTlsDir({ HOME: '/home/ada' }, '/work')).toBe('/home/ada/.local/share/devicelogin/tls');
    // The XDG specification: a relative path in XDG_DATA_HOME is invalid and ignored.
    expect(defaultTlsDir({ XDG_DATA_HOME: 'data', HOME: '/home/ada' }, '/work')).toBe(
      '/home/ada/.local/share/devicelogin/tls',
    );
    expect(defaultTlsDir({}, '/work')).toBe(join('/work', '.devicelogin', 'tls'));
  });
});

describe('trustInstructions', () => {
  it('names the CA file, the NODE_EXTRA_CA_CERTS export and the curl option', () => {
    const text = trustInstructions('/home/ada/.local/share/devicelogin/tls/ca.pem', 'https://127.0.0.1:3000', true);
    expect(text.split('\n')).toEqual([
      'devicelogin-server: serving HTTPS at https://127.0.0.1:3000 with a certificate from a local CA (just created).',
      '  CA certificate: /home/ada/.local/share/devicelogin/tls/ca.pem',
      '  Node clients (MSAL, devicelogin): export NODE_EXTRA_CA_CERTS=/home/ada/.local/share/devicelogin/tls/ca.pem   (read at process start)',
      '  curl: curl --cacert /home/ada/.local/share/devicelogin/tls/ca.pem https://127.0.0.1:3000/common/v2.0/.well-known/openid-configuration',
      '  Trust it only on this machine: anyone holding its key (ca-key.pem, 0600) can impersonate any site to those clients.',
      '',
    ]);
  });

  it('quotes a path the shell would split', () => {
    const text = trustInstructions("/tmp/it's here/ca.pem", 'https://127.0.0.1:3000', false);
    expect(text).toContain(`export NODE_EXTRA_CA_CERTS='/tmp/it'\\''s here/ca.pem'`);
    expect(text).not.toContain('just created');
  });
});
