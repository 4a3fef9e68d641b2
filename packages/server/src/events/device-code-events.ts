/**
 * The long-poll return channel (docs/server.md "Long-poll"): the verification pages publish the
 * id of a device code when the user approves or denies it, and a token request held open with
 * `Prefer: wait=N` waits for that event instead of polling the store. In-process with SQLite
 * (in-process-events.ts); across instances with PostgreSQL LISTEN/NOTIFY (postgres-events.ts).
 */

/** How a wait ended. */
export type WaitOutcome =
  /** The code was approved or denied (or the channel may have missed such an event: re-check). */
  | 'decided'
  /** `timeoutMs` passed (or the channel is closing). */
  | 'timeout'
  /** The caller's signal aborted (the client went away). */
  | 'aborted';

/** What {@link DeviceCodeEvents.waitFor} takes. */
export interface WaitOptions {
  /** Longest wait, ms; the wait never outlives it, whatever the channel's state. */
  readonly timeoutMs: number;
  /** Ends the wait at once with `aborted`. */
  readonly signal?: AbortSignal;
}

/** The port: publish decisions, wait for them. Waiting costs no database work. */
export interface DeviceCodeEvents {
  /**
   * Announces that the device code `deviceCodeId` (the record id, never the code) was decided.
   * Call it after the decision is committed. Never rejects: a delivery failure only means remote
   * waiters answer at their timeout.
   */
  publish(deviceCodeId: string): Promise<void>;
  /**
   * Waits for a publication of `deviceCodeId`. The waiter is registered before this returns
   * (synchronously), so a publication after the call is never missed: subscribe, then re-check
   * the store, then await the result.
   */
  waitFor(deviceCodeId: string, options: WaitOptions): Promise<WaitOutcome>;
  /** How many waits are in progress on this instance (tests, metrics). */
  readonly waiting: number;
  /**
   * Calls `listener` with the id of every decision this instance learns of (its own and, with
   * PostgreSQL, the other instances'), before the waiters of that id are woken; with `undefined`
   * when decisions may have been missed (the channel reconnected: forget what you knew). For
   * caches of pending codes (grants/pending-codes.ts). Returns the unsubscribe function.
   */
  watch(listener: DecisionListener): () => void;
  /**
   * True while every decision, on any instance, reaches {@link watch} listeners: always in
   * process; with PostgreSQL while the LISTEN connection is up.
   */
  readonly complete: boolean;
  /** Ends every wait with `timeout` and releases the channel (connections). Harmless twice. */
  close(): Promise<void>;
}

/** See {@link DeviceCodeEvents.watch}: a decided code's id, or `undefined` for "maybe missed some". */
export type DecisionListener = (deviceCodeId: string | undefined) => void;

/** A sleep that rejects when its signal aborts (the server clock's `sleep`). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;
