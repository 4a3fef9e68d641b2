import type { Logger } from '../logger.js';

/** The longest wait the client asks for, seconds, whatever the server allows. */
export const CLIENT_MAX_WAIT_SECONDS = 20;
/** Added to N for the held request's own timeout: the server answers at N, plus the network. */
export const LONG_POLL_TIMEOUT_MARGIN_MS = 10_000;

/** The extra options of one held poll request. */
export interface HeldRequest {
  readonly seconds: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * The long-poll state of one polling loop (`Prefer: wait=N`, RFC 7240; docs/client.md
 * "Long-poll"). Active while the server honours it; once something in between shows it cannot
 * hold requests (a pending answer without `Preference-Applied`, a 502/504, a cut or timed-out
 * connection), the loop falls back to plain polling for the rest of the flow.
 */
export class LongPoll {
  readonly #maxSeconds: number;
  readonly #log: Logger;
  #active: boolean;

  /** @param advertised the server's advertised maximum (undefined: long-poll is not used). */
  constructor(advertised: number | undefined, log: Logger) {
    this.#maxSeconds = Math.min(advertised ?? 0, CLIENT_MAX_WAIT_SECONDS);
    this.#active = this.#maxSeconds >= 1;
    this.#log = log;
  }

  /** Whether requests are still held. */
  get active(): boolean {
    return this.#active;
  }

  /** The next request's header and timeout, or undefined to poll plainly (inactive, < 1 s left). */
  next(remainingMs: number): HeldRequest | undefined {
    if (!this.#active) return undefined;
    const seconds = Math.min(this.#maxSeconds, Math.floor(remainingMs / 1000));
    if (seconds < 1) return undefined;
    return { seconds, headers: { prefer: `wait=${seconds}` }, timeoutMs: seconds * 1000 + LONG_POLL_TIMEOUT_MARGIN_MS };
  }

  /** Stops long-polling for the rest of the flow. */
  fallBack(reason: string): void {
    if (!this.#active) return;
    this.#active = false;
    this.#log('debug', `Long-poll off for this sign-in (${reason}); polling at the interval`);
  }
}
