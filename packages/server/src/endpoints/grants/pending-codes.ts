import type { DeviceCodeEvents } from '../../events/device-code-events.js';
import type { DeviceCodeRecord } from '../../store/store.js';

/** What a pending poll needs of its code: the rest of the record only matters once decided. */
export type PendingCode = Pick<DeviceCodeRecord, 'id' | 'clientId' | 'tenant' | 'expiresAt' | 'interval'> & {
  readonly status: 'pending';
};

/** Codes remembered at most (the oldest go first): ~150 bytes each. */
const MAX_ENTRIES = 100_000;

/**
 * Longest time a pending code is answered from memory without reading the store again, ms: a
 * bound on the delay should a decision ever go unheard (a second server process on one SQLite
 * file, which is not supported; a notification lost before the PostgreSQL listener noticed it
 * was down). Several intervals, so most polls of a waiting device hit memory.
 */
const MAX_AGE_MS = 60_000;

interface Entry {
  readonly code: PendingCode;
  readonly cachedAt: number;
}

/**
 * The pending device codes this instance has seen, by device code hash, so that the polls of a
 * waiting device (the hot path: every poll of every device, every few seconds) are answered
 * without a store read. Correct because a pending code changes only by a decision on the pages,
 * which every instance hears of through the long-poll channel ({@link DeviceCodeEvents.watch}),
 * before any held request is woken; or by expiry, which the caller checks on the clock. Nothing
 * is remembered or served while the channel may miss decisions (`events.complete` false), and
 * everything is forgotten when it says it may have.
 */
export class PendingCodes {
  readonly #byHash = new Map<string, Entry>();
  readonly #hashById = new Map<string, string>();
  readonly #events: DeviceCodeEvents;
  /** Moves on every decision heard and every "forget": a read started before may be stale. */
  #generation = 0;

  constructor(events: DeviceCodeEvents) {
    this.#events = events;
    events.watch((id) => {
      this.#generation += 1;
      if (id === undefined) this.clear();
      else this.#drop(id);
    });
  }

  /**
   * Take it before reading the store and hand it to {@link remember}: a decision heard while
   * the read was in flight (its NOTIFY may overtake the read's answer) makes the answer unsafe
   * to remember.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The pending code with this hash if it is known and fresh, else undefined (read the store). */
  get(hash: string, now: number): PendingCode | undefined {
    const entry = this.#byHash.get(hash);
    if (entry === undefined) return undefined;
    if (!this.#events.complete || now - entry.cachedAt > MAX_AGE_MS || now < entry.cachedAt) {
      this.#drop(entry.code.id);
      return undefined;
    }
    return entry.code;
  }

  /**
   * Remembers a code the store just said is pending, read from `generation` on; forgets it
   * whatever the store said. Ignored while decisions may go unheard, and when a decision was
   * heard since `generation` (the read may predate it).
   */
  remember(record: DeviceCodeRecord, now: number, generation: number): void {
    this.#drop(record.id);
    if (record.status !== 'pending' || !this.#events.complete || generation !== this.#generation) return;
    if (this.#byHash.size >= MAX_ENTRIES) {
      const oldest = this.#byHash.values().next().value;
      if (oldest !== undefined) this.#drop(oldest.code.id);
    }
    const code: PendingCode = {
      id: record.id,
      clientId: record.clientId,
      tenant: record.tenant,
      expiresAt: record.expiresAt,
      interval: record.interval,
      status: 'pending',
    };
    this.#byHash.set(record.deviceCodeHash, { code, cachedAt: now });
    this.#hashById.set(record.id, record.deviceCodeHash);
  }

  /** How many codes are remembered (tests). */
  get size(): number {
    return this.#byHash.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.#byHash.clear();
    this.#hashById.clear();
  }

  #drop(id: string): void {
    const hash = this.#hashById.get(id);
    if (hash === undefined) return;
    this.#hashById.delete(id);
    this.#byHash.delete(hash);
  }
}
