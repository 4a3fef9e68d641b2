/**
 * {@link DeviceCodeEvents} across instances sharing one PostgreSQL database: each instance keeps
 * one dedicated connection that `LISTEN`s on {@link CHANNEL}; a decision is announced with
 * `pg_notify(CHANNEL, <code id>)` on that same connection after the store committed it, and every
 * instance (this one included) wakes its local waiters of that id. Waits themselves are local
 * timers: no query while a request is held.
 *
 * The listener reconnects by itself (backoff up to {@link MAX_RECONNECT_MS}). While it is down,
 * publications from this instance still wake its own waiters, remote ones answer at their timeout
 * (never later); when it is back, every local waiter is woken once to re-check the store, since
 * notifications sent meanwhile are lost.
 */
import { Client } from 'pg';
import type { DecisionListener, DeviceCodeEvents, Sleep, WaitOptions, WaitOutcome } from './device-code-events.js';
import { InProcessDeviceCodeEvents } from './in-process-events.js';

/** The notification channel. */
export const CHANNEL = 'devicelogin_device_codes';
const FIRST_RECONNECT_MS = 100;
const MAX_RECONNECT_MS = 5_000;

/** How {@link openPostgresEvents} connects. */
export interface PostgresEventsOptions {
  /** The store's connection string (same database: NOTIFY is per database). Never logged. */
  readonly connectionString: string;
  /** Timer of the waits (the server clock's `sleep`). */
  readonly sleep: Sleep;
  /** Told when the listener fails or cannot connect (it keeps retrying). Default: ignored. */
  readonly onError?: (error: Error) => void;
  /** `application_name` of the listening connection. Default `devicelogin-events`. */
  readonly applicationName?: string;
}

/** The PostgreSQL channel; `listening` says whether the LISTEN connection is up. */
export interface PostgresDeviceCodeEvents extends DeviceCodeEvents {
  readonly listening: boolean;
}

class PgEvents implements PostgresDeviceCodeEvents {
  readonly #local: InProcessDeviceCodeEvents;
  readonly #options: PostgresEventsOptions;
  #client: Client | undefined;
  #closed = false;
  #reconnectMs = FIRST_RECONNECT_MS;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: PostgresEventsOptions) {
    this.#options = options;
    this.#local = new InProcessDeviceCodeEvents(options.sleep);
  }

  get waiting(): number {
    return this.#local.waiting;
  }

  get listening(): boolean {
    return this.#client !== undefined;
  }

  /** Other instances' decisions arrive only while listening. */
  get complete(): boolean {
    return this.listening;
  }

  watch(listener: DecisionListener): () => void {
    return this.#local.watch(listener);
  }

  waitFor(deviceCodeId: string, options: WaitOptions): Promise<WaitOutcome> {
    return this.#local.waitFor(deviceCodeId, options);
  }

  async publish(deviceCodeId: string): Promise<void> {
    this.#local.wake(deviceCodeId, 'decided');
    const client = this.#client;
    if (client === undefined) return;
    try {
      await client.query('SELECT pg_notify($1, $2)', [CHANNEL, deviceCodeId]);
    } catch (error) {
      this.#report(error);
    }
  }

  /** Connects and listens; on failure schedules a retry. Resolves either way. */
  async connect(): Promise<void> {
    if (this.#closed) return;
    const client = new Client({
      connectionString: this.#options.connectionString,
      application_name: this.#options.applicationName ?? 'devicelogin-events',
      connectionTimeoutMillis: 5_000,
    });
    let gone = false;
    const lost = (error?: unknown): void => {
      if (gone) return;
      gone = true;
      if (this.#client === client) this.#client = undefined;
      // From now on decisions elsewhere go unheard: watchers must stop trusting what they know.
      this.#local.forget();
      if (error !== undefined) this.#report(error);
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      this.#schedule();
    };
    client.on('error', lost);
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload !== undefined) this.#local.wake(message.payload, 'decided');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      lost(error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    client.once('end', () => {
      if (!this.#closed) lost(new Error('the event listener connection ended'));
    });
    this.#client = client;
    this.#reconnectMs = FIRST_RECONNECT_MS;
    // Notifications sent while we were not listening are lost: let every waiter re-check once.
    this.#local.wakeAll('decided');
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#local.close();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.connect();
    }, this.#reconnectMs);
    this.#timer.unref();
    this.#reconnectMs = Math.min(MAX_RECONNECT_MS, this.#reconnectMs * 2);
  }

  #report(error: unknown): void {
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Opens the PostgreSQL channel: tries to connect once before resolving (a failure is reported
 * and retried in the background; waits then end at their timeout until it is up).
 * @example
 * const events = await openPostgresEvents({ connectionString: url, sleep: systemClock.sleep });
 */
export async function openPostgresEvents(options: PostgresEventsOptions): Promise<PostgresDeviceCodeEvents> {
  const events = new PgEvents(options);
  await events.connect();
  return events;
}
