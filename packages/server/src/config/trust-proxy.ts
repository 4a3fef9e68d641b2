/**
 * The `trustProxy` entries: the addresses and CIDR ranges of the reverse proxies whose
 * `X-Forwarded-For` the server believes (Fastify's `trustProxy`, @fastify/proxy-addr). Checked at
 * start so a typo fails loudly instead of silently trusting nothing (or the wrong network).
 */
import { isIP } from 'node:net';

/**
 * What is wrong with one entry (an IPv4 or IPv6 address, or `address/prefix` with a prefix length
 * of 0–32 for IPv4, 0–128 for IPv6), or undefined when it is fine.
 * @example trustProxyEntryProblem('10.0.0.0/8') // undefined
 * @example trustProxyEntryProblem('10.0.0.0/33') // 'has a prefix length above 32'
 */
export function trustProxyEntryProblem(entry: string): string | undefined {
  if (entry.includes('%')) return 'must not carry a zone index (%…)';
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return 'is not an IPv4 or IPv6 address, nor a CIDR range (10.0.0.0/8, fd00::/8)';
  if (slash === -1) return undefined;
  const prefix = entry.slice(slash + 1);
  const most = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix)) return `has no valid prefix length after "/" (0 to ${most})`;
  if (Number(prefix) > most) return `has a prefix length above ${most}`;
  return undefined;
}
