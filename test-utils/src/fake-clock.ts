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
