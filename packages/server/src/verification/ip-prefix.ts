import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network an address belongs to for the guessing budgets: IPv4 /24, IPv6 /48 (one site: a
 * subscriber's /56 is only a 256th of it, and a free tunnel broker hands out whole /48s, so
 * counting /56s would let one attacker appear as 256 networks), IPv4-mapped IPv6 as IPv4.
 * Anything else (not an address) is its own prefix. Returned in a canonical text form, e.g.
 * `192.0.2.0/24`, `2001:db8:0::/48`.
 */
export function ipPrefix(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(ip)) return ip;
  const groups = expandIpv6(ip.split('%')[0] ?? ip);
  // IPv4-mapped in hex (`::ffff:c000:24d`): the IPv4 address it maps.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.0/24`;
  }
  return `${[groups[0], groups[1], groups[2]].map((g) => (g ?? 0).toString(16)).join(':')}::/48`;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and an embedded IPv4 tail expanded). */
function expandIpv6(ip: string): number[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4 !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
