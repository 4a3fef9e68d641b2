import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How a device-code poll of the token endpoint ended (an OAuth error code, or `success`). */
export type PollOutcome =
  'success' | 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied' | 'invalid_grant' | 'other';

const POLL_OUTCOMES: ReadonlySet<string> = new Set<PollOutcome>([
  'success',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'access_denied',
  'invalid_grant',
]);

/** Which guessing budget refused a request (verification/limits.ts). */
export type GuessingLimit = 'code_entry' | 'code_entry_global' | 'sign_in';

/**
 * The server's Prometheus metrics, in a registry of its own (one per app, so several apps in one
 * process — tests, or one per tenant shard — never mix their counts). Labels are bounded sets
 * (outcomes, route patterns, status classes), never ids, codes or addresses.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly deviceCodesIssued = new Counter({
    name: 'devicelogin_device_codes_issued_total',
    help: 'Device codes issued by the device authorization endpoint.',
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'devicelogin_device_code_decisions_total',
    help: 'Device codes decided by a user on the verification pages (approved or denied) or blocked after too many failed sign-ins.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly polls = new Counter({
    name: 'devicelogin_device_code_polls_total',
    help: 'Token requests with the device code grant, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly guessingLimitHits = new Counter({
    name: 'devicelogin_guessing_limit_hits_total',
    help: 'Requests refused because a guessing budget (code entry, sign-in) was used up.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly purgeRuns = new Counter({
    name: 'devicelogin_purge_runs_total',
    help: 'Runs of the scheduled purge of expired records (purgeIntervalSeconds), by outcome (ok, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly purgedRows = new Counter({
    name: 'devicelogin_purged_rows_total',
    help: 'Rows deleted by the scheduled purge: expired device codes and refresh tokens, approvals past their retention.',
    registers: [this.registry],
  });
  readonly purgeLastSuccess = new Gauge({
    name: 'devicelogin_purge_last_success_timestamp_seconds',
    help: 'When the scheduled purge last succeeded on this instance (Unix time, seconds); 0 before the first success.',
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'devicelogin_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern, method and status class.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  /** Read when scraped: see {@link countHeldWith}. */
  #held: () => number = () => 0;
  readonly heldRequests: Gauge = new Gauge({
    name: 'devicelogin_token_requests_held',
    help: 'Device-code token requests held open right now by long-poll (Prefer: wait=N) on this instance.',
    registers: [this.registry],
    collect: (): void => this.heldRequests.set(this.#held()),
  });

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'devicelogin_' });
  }

  /** Where the held-requests gauge reads its value when scraped (the app's long-poll channel). */
  countHeldWith(source: () => number): void {
    this.#held = source;
  }

  /** Counts a device-code poll; an unexpected error code counts as `other`. */
  poll(errorCode: string | undefined): void {
    const outcome = errorCode === undefined ? 'success' : POLL_OUTCOMES.has(errorCode) ? errorCode : 'other';
    this.polls.inc({ outcome });
  }
}
