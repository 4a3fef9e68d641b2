import type { DecisionListener, DeviceCodeEvents, Sleep, WaitOptions, WaitOutcome } from './device-code-events.js';

type Waiter = (outcome: WaitOutcome) => void;

/**
 * {@link DeviceCodeEvents} within one process (SQLite deployments, and the local half of the
 * PostgreSQL channel): a map from code id to its waiters. A wait is a timer and a map entry;
 * publishing wakes every waiter of that id.
 */
export class InProcessDeviceCodeEvents implements DeviceCodeEvents {
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #sleep: Sleep;
  readonly #listeners = new Set<DecisionListener>();
  #count = 0;

  /** @param sleep the timer of the waits (the server clock's `sleep`: tests move a fake clock). */
  constructor(sleep: Sleep) {
    this.#sleep = sleep;
  }

  get waiting(): number {
    return this.#count;
  }

  /** In one process every decision is published here. */
  get complete(): boolean {
    return true;
  }

  watch(listener: DecisionListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  publish(deviceCodeId: string): Promise<void> {
    this.wake(deviceCodeId, 'decided');
    return Promise.resolve();
  }

  /** Ends the waits of one code with `outcome` (watchers hear of it first). */
  wake(deviceCodeId: string, outcome: WaitOutcome): void {
    if (outcome === 'decided') for (const listener of this.#listeners) listener(deviceCodeId);
    const waiters = this.#waiters.get(deviceCodeId);
    if (waiters === undefined) return;
    for (const waiter of [...waiters]) waiter(outcome);
  }

  /** Tells watchers that decisions may go unheard (the PostgreSQL listener is down). */
  forget(): void {
    for (const listener of this.#listeners) listener(undefined);
  }

  /** Ends every wait with `outcome` (the channel reconnected and may have missed events; closing). */
  wakeAll(outcome: WaitOutcome): void {
    if (outcome === 'decided') for (const listener of this.#listeners) listener(undefined);
    for (const id of [...this.#waiters.keys()]) this.wake(id, outcome);
  }

  waitFor(deviceCodeId: string, { timeoutMs, signal }: WaitOptions): Promise<WaitOutcome> {
    if (signal?.aborted === true) return Promise.resolve('aborted');
    return new Promise<WaitOutcome>((resolve) => {
      const timer = new AbortController();
      let waiters = this.#waiters.get(deviceCodeId);
      if (waiters === undefined) this.#waiters.set(deviceCodeId, (waiters = new Set()));
      const set = waiters;
      const finish: Waiter = (outcome) => {
        if (!set.delete(finish)) return;
        this.#count -= 1;
        if (set.size === 0 && this.#waiters.get(deviceCodeId) === set) this.#waiters.delete(deviceCodeId);
        signal?.removeEventListener('abort', onAbort);
        timer.abort();
        resolve(outcome);
      };
      const onAbort = (): void => finish('aborted');
      set.add(finish);
      this.#count += 1;
      signal?.addEventListener('abort', onAbort, { once: true });
      // Rejects when finish() aborted it (then a no-op), or if the timer failed: never hang.
      const timeout = (): void => finish('timeout');
      this.#sleep(Math.max(0, timeoutMs), timer.signal).then(timeout, timeout);
    });
  }

  close(): Promise<void> {
    this.wakeAll('timeout');
    return Promise.resolve();
  }
}
