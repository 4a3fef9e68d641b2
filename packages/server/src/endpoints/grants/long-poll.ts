/**
 * Holding a pending device-code poll open (`Prefer: wait=N`, docs/server.md "Long-poll"): the
 * request subscribes to its code's decision first, then re-checks the store (a decision between
 * the first read and the subscription is not missed), then waits for the event, the timeout, or
 * the client going away. No store access while it waits.
 */
import type { FastifyReply } from 'fastify';
import type { DeviceCodeEvents, WaitOutcome } from '../../events/device-code-events.js';

/** How a hold ended: a {@link WaitOutcome}, or `changed` when the re-check found the code decided. */
export type HoldOutcome = WaitOutcome | 'changed';

/** What {@link holdWhilePending} needs. */
export interface Hold {
  readonly events: DeviceCodeEvents;
  /** The record id of the pending code. */
  readonly deviceCodeId: string;
  readonly waitSeconds: number;
  /** The response: its connection closing ends the wait (`aborted`). */
  readonly reply: FastifyReply;
  /** Reads the store once: is the code still pending (and unexpired)? */
  stillPending(): Promise<boolean>;
}

/** Subscribes, re-checks, waits. Never longer than `waitSeconds`. */
export async function holdWhilePending(hold: Hold): Promise<HoldOutcome> {
  const gone = new AbortController();
  const response = hold.reply.raw;
  const onClose = (): void => {
    if (!response.writableEnded) gone.abort();
  };
  response.once('close', onClose);
  if (response.destroyed) gone.abort();
  try {
    const waiting = hold.events.waitFor(hold.deviceCodeId, {
      timeoutMs: hold.waitSeconds * 1000,
      signal: gone.signal,
    });
    let pending: boolean;
    try {
      pending = await hold.stillPending();
    } catch (error) {
      gone.abort();
      await waiting;
      throw error;
    }
    if (!pending) {
      gone.abort();
      await waiting;
      return 'changed';
    }
    return await waiting;
  } finally {
    response.removeListener('close', onClose);
  }
}
