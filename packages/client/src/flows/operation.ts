import type { Clock } from '@devicelogin/protocol';
import { CancelledError, ConfigurationError, TimeoutError } from '../errors.js';

/** Cancellation and deadline shared by every step of one operation. */
export interface OperationContext {
  /** Aborts when the caller's signal aborts or the operation's timeout elapses. */
  readonly signal: AbortSignal;
  /** Clock time (ms) after which the operation must stop, if it has a timeout. */
  readonly deadline: number | undefined;
  readonly timeoutMs: number | undefined;
}

/** Options every long operation takes. */
export interface OperationOptions {
  /** Cancels the operation: it rejects with {@link CancelledError} at once. */
  readonly signal?: AbortSignal | undefined;
  /** Fails the operation with {@link TimeoutError} after this many ms. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Runs `work` with one AbortSignal that links the caller's signal and the timeout, and turns
 * whatever an abort threw into {@link CancelledError} or {@link TimeoutError}. The deadline is
 * also given in clock time so that loops driven by an injected clock respect it.
 */
export async function runOperation<T>(
  clock: Clock,
  options: OperationOptions,
  work: (context: OperationContext) => Promise<T>,
): Promise<T> {
  const { signal: callerSignal, timeoutMs } = options;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw new ConfigurationError('timeoutMs', 'must be a positive number');
  }
  if (callerSignal?.aborted) throw new CancelledError(callerSignal.reason);
  const timeout = new AbortController();
  const timer =
    timeoutMs === undefined ? undefined : setTimeout(() => timeout.abort(new TimeoutError(timeoutMs)), timeoutMs);
  timer?.unref();
  const signal = callerSignal === undefined ? timeout.signal : AbortSignal.any([callerSignal, timeout.signal]);
  try {
    return await work({ signal, deadline: timeoutMs === undefined ? undefined : clock.now() + timeoutMs, timeoutMs });
  } catch (error) {
    if (callerSignal?.aborted) throw error instanceof CancelledError ? error : new CancelledError(callerSignal.reason);
    if (timeout.signal.aborted && timeoutMs !== undefined) {
      throw error instanceof TimeoutError ? error : new TimeoutError(timeoutMs);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for `promise`, but rejects with {@link CancelledError} as soon as `signal` aborts (the
 * work itself goes on: use it for work that cannot be interrupted, such as a caller's callback).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CancelledError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
