import {
  SECRET_FIELDS,
  parseRetryAfter,
  processTokenResponse,
  scrubOAuthError,
  type Clock,
  type TokenResponse,
} from '@devicelogin/protocol';
import type { ProviderProfile } from '../authority/profiles.js';
import { DeviceCodeExpiredError, NetworkError, RequestTimeoutError, ServerError, TimeoutError } from '../errors.js';
import type { HttpTransport } from '../http.js';
import type { Logger } from '../logger.js';
import type { OperationContext } from './operation.js';
import { LongPoll } from './long-poll.js';
import { classifyOAuthError } from './poll-errors.js';
import { postTokenRequest, type TokenRequestDpop } from '../dpop/token-request.js';

/** Polling tuning; the defaults follow RFC 8628 §3.5 and PROTOCOL-NOTES §C. */
export interface PollPolicy {
  /** Extra wait on top of the interval against clock drift, as a fraction (gh uses 0.2). */
  readonly margin: number;
  /** Longest back-off after transient failures, in ms. */
  readonly maxBackoffMs: number;
}

/** Default {@link PollPolicy}: 10 % margin, back-off capped at one minute. */
export const DEFAULT_POLL_POLICY: PollPolicy = Object.freeze({ margin: 0.1, maxBackoffMs: 60_000 });

/** HTTP statuses without an OAuth body that are worth retrying. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Everything the loop needs to poll one device code. */
export interface PollRequest {
  readonly http: HttpTransport;
  readonly clock: Clock;
  readonly profile: ProviderProfile;
  readonly tokenEndpoint: string;
  readonly parameters: Readonly<Record<string, string | undefined>>;
  /** Epoch ms when the device code expires: the loop stops there even if the server says pending. */
  readonly expiresAt: number;
  /** Seconds, already floored at 1. */
  readonly interval: number;
  readonly policy?: PollPolicy;
  readonly log: Logger;
  /** Further values to scrub from server errors (the user code), besides the secrets sent. */
  readonly secrets?: readonly string[];
  /**
   * The server's advertised long-poll maximum (seconds): requests then carry `Prefer: wait=N`
   * (long-poll.ts). Absent: plain polling.
   */
  readonly longPollMaxWait?: number;
  /** DPoP proofs on every poll (RFC 9449 §5): `use_dpop_nonce` is retried at once, not counted as a poll. */
  readonly dpop?: TokenRequestDpop | undefined;
}

/** Statuses a proxy answers when it cuts a request it finds too long. */
const PROXY_CUT_STATUSES: ReadonlySet<number> = new Set([502, 504]);

/**
 * Polls the token endpoint until the user approves, declines or the code expires (RFC 8628 §3.4–3.5):
 * waits `interval` (+ margin) before each request; `slow_down` adds 5 s or takes the server's
 * larger interval; 429/5xx and transient network failures back off (honouring Retry-After)
 * within the code's lifetime; the client's own clock ends the loop at expiry; the operation's
 * signal interrupts both sleeps and requests at once. With long-poll the first request goes at
 * once and each is held by the server until the user decides or N runs out; the interval is
 * still respected between requests (the time held counts).
 */
export async function pollForToken(request: PollRequest, context: OperationContext): Promise<TokenResponse> {
  const { clock, http, profile, log } = request;
  const policy = request.policy ?? DEFAULT_POLL_POLICY;
  let interval = request.interval;
  const intervalMs = (): number => Math.round(interval * 1000 * (1 + policy.margin));
  const longPoll = new LongPoll(request.longPollMaxWait, log);
  let waitMs = longPoll.active ? 0 : intervalMs();
  let failures = 0;
  const secrets = Object.entries(request.parameters)
    .filter(([key]) => SECRET_FIELDS.has(key))
    .map(([, value]) => value ?? '')
    .concat(request.secrets ?? []);
  let lastFailure: unknown;
  const backoff = (retryAfterSeconds: number | undefined): number => {
    failures += 1;
    const exponential = Math.min(policy.maxBackoffMs, interval * 1000 * 2 ** failures);
    return Math.max(interval * 1000, retryAfterSeconds === undefined ? exponential : retryAfterSeconds * 1000);
  };

  for (;;) {
    const remaining = checkTime(clock, request.expiresAt, context, lastFailure);
    if (waitMs > 0) await clock.sleep(Math.min(waitMs, remaining), context.signal);
    const held = longPoll.next(checkTime(clock, request.expiresAt, context, lastFailure));
    const sentAt = clock.now();
    let response;
    try {
      response = await postTokenRequest(
        http,
        request.tokenEndpoint,
        request.parameters,
        {
          signal: context.signal,
          ...(held === undefined ? {} : { headers: held.headers, timeoutMs: held.timeoutMs }),
        },
        request.dpop,
      );
    } catch (error) {
      if (held !== undefined && (error instanceof NetworkError || error instanceof RequestTimeoutError)) {
        longPoll.fallBack(`the held request failed: ${error.name}`);
        waitMs = intervalMs();
        continue;
      }
      if (error instanceof NetworkError || error instanceof RequestTimeoutError) {
        lastFailure = error;
        waitMs = backoff(undefined);
        log('warn', `Poll failed (${error.message}); retrying in ${waitMs} ms`);
        continue;
      }
      throw error;
    }
    const processed = processTokenResponse(response);
    switch (processed.kind) {
      case 'ok':
        log('info', 'Tokens received');
        return processed.value;
      case 'http_error':
        if (held !== undefined && PROXY_CUT_STATUSES.has(processed.status)) {
          longPoll.fallBack(`the held request was answered HTTP ${processed.status}`);
          waitMs = intervalMs();
          continue;
        }
        if (!RETRYABLE_STATUSES.has(processed.status)) {
          throw new ServerError(`The token endpoint answered HTTP ${processed.status}.`, { status: processed.status });
        }
        lastFailure = new ServerError(`The token endpoint answered HTTP ${processed.status}.`, {
          status: processed.status,
        });
        waitMs = backoff(parseRetryAfter(processed.retryAfter, clock.now()));
        log('warn', `Token endpoint answered HTTP ${processed.status}; retrying in ${waitMs} ms`);
        continue;
      case 'oauth_error': {
        const action = classifyOAuthError(scrubOAuthError(processed.error, secrets), profile);
        switch (action.action) {
          case 'pending':
            failures = 0;
            lastFailure = undefined;
            if (held !== undefined && (response.preferenceApplied ?? null) === null)
              longPoll.fallBack('a pending answer without Preference-Applied');
            // A held request already spent (part of) the interval waiting at the server.
            waitMs = longPoll.active ? Math.max(0, intervalMs() - (clock.now() - sentAt)) : intervalMs();
            log('debug', `Authorization pending; next poll in ${waitMs} ms`);
            continue;
          case 'slow_down':
            interval = Math.max(interval + 5, action.interval ?? 0);
            waitMs = intervalMs();
            log('info', `Server asked to slow down; polling every ${interval} s`);
            continue;
          case 'retry':
            waitMs = backoff(parseRetryAfter(processed.error.retryAfter, clock.now()));
            log('warn', `Token endpoint answered ${processed.error.error}; retrying in ${waitMs} ms`);
            continue;
          case 'fail':
            log('warn', `Sign-in failed: ${action.error.code}`);
            throw action.error;
        }
      }
    }
  }
}

/** Throws when the code has expired or the deadline passed; returns the ms left before either. */
function checkTime(clock: Clock, expiresAt: number, context: OperationContext, lastFailure: unknown): number {
  const now = clock.now();
  if (now >= expiresAt) throw new DeviceCodeExpiredError(undefined, lastFailure);
  if (context.deadline !== undefined && now >= context.deadline) throw new TimeoutError(context.timeoutMs ?? 0);
  return Math.min(expiresAt, context.deadline ?? Infinity) - now;
}
