import { CancelledError } from '../errors.js';
import { raceAbort } from './operation.js';

/**
 * Shares one in-flight promise among identical concurrent requests (msal-node's
 * `SilentRequestCoalescer`). Each caller still honours its own AbortSignal: an aborted caller
 * stops waiting, the shared work goes on for the others.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Promise<T>>();

  /** Runs `work` unless a flight with the same key is under way, then waits for it. */
  run(key: string, work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(new CancelledError(signal.reason));
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      flight = work().finally(() => this.#flights.delete(key));
      this.#flights.set(key, flight);
    }
    return signal === undefined ? flight : raceAbort(flight, signal);
  }

  /** Number of flights under way (for tests and diagnostics). */
  get size(): number {
    return this.#flights.size;
  }
}
