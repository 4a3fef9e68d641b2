/**
 * A small seeded pseudo-random generator (mulberry32), so that the generated caches and the
 * sequence of accounts asked for are the same in every run and for every peer.
 */
export class SeededRandom {
  #state: number;

  /** @param seed any 32-bit integer; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A whole number in [0, bound). */
  below(bound: number): number {
    return Math.floor((this.nextUint32() / 2 ** 32) * bound);
  }

  /** `length` pseudo-random bytes. */
  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let offset = 0; offset < length; offset += 4) {
      const value = this.nextUint32();
      for (let i = 0; i < 4 && offset + i < length; i++) out[offset + i] = (value >>> (8 * i)) & 0xff;
    }
    return out;
  }

  /** A version-4-shaped GUID, lower case. */
  guid(): string {
    const hex = this.bytes(16).toString('hex');
    const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** `length` characters of base64url text. */
  base64url(length: number): string {
    return this.bytes(Math.ceil((length * 3) / 4))
      .toString('base64url')
      .slice(0, length);
  }
}

/** Seed of the accounts asked for during warm-up, by every peer and in every run. */
export const WARMUP_SEED = 0x77a2;
/** Seed of the accounts asked for by the timed calls, by every peer and in every run. */
export const TIMED_SEED = 0x51e7;

/** `count` indices in [0, bound), drawn from `seed`: the accounts asked for, call after call. */
export function indexSequence(seed: number, count: number, bound: number): number[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => random.below(bound));
}
