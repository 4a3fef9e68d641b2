/**
 * Per-code polling discipline (RFC 8628 §3.5), kept in this instance's memory so that the
 * pending path does no store write: a poll earlier than the interval (minus 20 % jitter
 * tolerance) answers `slow_down` and raises that code's interval by 5 s; a compliant poll
 * brings it back. The first poll is never throttled, nor the one after a held poll (`held`). Entries expire with their codes: once the
 * map holds 10,000 entries, expired ones are swept at most once a second (a sweep is a full scan,
 * so sweeping on every poll would make each poll O(codes tracked)).
 */
export class PollTracker {
  readonly #entries = new Map<string, { last: number; interval: number; expiresAt: number }>();
  readonly #tolerance = 0.8;
  #nextSweep = 0;

  /** Records a poll of a pending code; returns whether it came too early. */
  poll(id: string, baseInterval: number, expiresAt: number, now: number): 'ok' | 'slow_down' {
    this.#sweep(now);
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      this.#entries.set(id, { last: now, interval: baseInterval, expiresAt });
      return 'ok';
    }
    const early = now - entry.last < entry.interval * 1000 * this.#tolerance;
    entry.last = now;
    if (early) {
      entry.interval += 5;
      return 'slow_down';
    }
    entry.interval = baseInterval;
    return 'ok';
  }

  /**
   * Records a held poll (long-poll) answered at `now`: it respected the interval, so the next
   * poll may come at once without `slow_down` (the client re-sends right after a held answer).
   */
  held(id: string, baseInterval: number, expiresAt: number, now: number): void {
    const entry = this.#entries.get(id);
    const interval = entry?.interval ?? baseInterval;
    this.#entries.set(id, { last: now - interval * 1000, interval, expiresAt });
  }

  /** Forgets a code (redeemed, denied). */
  forget(id: string): void {
    this.#entries.delete(id);
  }

  #sweep(now: number): void {
    if (this.#entries.size < 10_000 || now < this.#nextSweep) return;
    this.#nextSweep = now + 1_000;
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
  }
}
