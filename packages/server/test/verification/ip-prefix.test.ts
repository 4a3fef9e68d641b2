import { describe, expect, it } from 'vitest';
import { ipPrefix } from '../../src/verification/ip-prefix.js';

describe('ipPrefix', () => {
  it.each([
    ['192.0.2.77', '192.0.2.0/24'],
    ['127.0.1.9', '127.0.1.0/24'],
    ['::ffff:198.51.100.7', '198.51.100.0/24'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['2001:db8:0:abcd:1:2:3:4', '2001:db8:0::/48'],
    ['2001:DB8:7:ABFF::', '2001:db8:7::/48'],
    ['::1', '0:0:0::/48'],
    ['::ffff:c000:24d', '192.0.2.0/24'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['not an address', 'not an address'],
  ])('%s → %s', (address, prefix) => {
    expect(ipPrefix(address)).toBe(prefix);
  });

  it('two addresses of one /24 or one /48 share a prefix; neighbours outside do not', () => {
    expect(ipPrefix('203.0.113.1')).toBe(ipPrefix('203.0.113.254'));
    expect(ipPrefix('203.0.113.1')).not.toBe(ipPrefix('203.0.114.1'));
    // The 256 /56s of one /48 (a tunnel broker's allocation) are one network.
    expect(ipPrefix('2001:db8:1:2300::1')).toBe(ipPrefix('2001:db8:1:ff00::9'));
    expect(ipPrefix('2001:db8:1:2300::1')).not.toBe(ipPrefix('2001:db8:2:2300::1'));
  });
});
