/** A clock whose time only moves when code sleeps on it or a test advances it. */
export interface FakeClock {
  now(): number;
  /** Advances time by `ms` at once (on the next turn of the event loop), abortable. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Moves time forward without sleeping. */
  advance(ms: number): void;
  /** Every sleep requested so far, in ms, in order. */
  readonly sleeps: number[];
}

/**
 * A fake clock: `sleep(ms)` moves time forward by `ms` and resolves on the next event-loop turn
 * (so real I/O and aborts still interleave), or rejects at once if the signal aborts first.
 */
export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleeps,
    advance(ms) {
      time += ms;
    },
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = (): void => {
          clearImmediate(handle);
          reject(signal?.reason);
        };
        const handle = setImmediate(() => {
          signal?.removeEventListener('abort', onAbort);
          time += Math.max(0, ms);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/**
 * A clock whose sleeps never end by themselves: they stay pending until the signal aborts.
 * `sleeping` resolves when the first sleep starts, so a test can abort "during a sleep".
 */
export function stuckClock(start = Date.UTC(2026, 0, 1)): {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  readonly sleeping: Promise<number>;
} {
  let notify: (ms: number) => void = () => undefined;
  const sleeping = new Promise<number>((resolve) => (notify = resolve));
  return {
    now: () => start,
    sleeping,
    sleep(ms, signal) {
      notify(ms);
      return new Promise<void>((_resolve, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  };
}

/** A {@link FakeClock} whose sleeps wait for the test to move time. */
export interface ManualClock extends FakeClock {
  /** Sleeps still waiting for time to reach their end. */
  readonly pending: number;
}

/**
 * A clock whose sleeps end only when a test moves time past their end with `advance` (so a
 * server holding a request on it waits until the test says so); `sleep` here does not move time.
 * Aborting a sleep rejects it at once.
 */
export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let time = start;
  const sleeps: number[] = [];
  const waiting = new Set<{ readonly end: number; readonly resolve: () => void }>();
  return {
    now: () => time,
    sleeps,
    get pending() {
      return waiting.size;
    },
    advance(ms) {
      time += ms;
      for (const sleeper of [...waiting]) {
        if (sleeper.end <= time) {
          waiting.delete(sleeper);
          sleeper.resolve();
        }
      }
    },
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const sleeper = {
          end: time + Math.max(0, ms),
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          waiting.delete(sleeper);
          reject(signal?.reason);
        };
        waiting.add(sleeper);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/**
 * Resolves once `condition()` holds, checking every millisecond or so while real I/O goes on: for
 * states reached through other connections (a request being held), without sleeping for a fixed
 * time. Rejects after `timeoutMs` of real time.
 */
export async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`eventually: the condition did not hold within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}
