import autocannon from 'autocannon';
import type { IssuedCode } from './issue-codes.js';
import { Latencies } from './latencies.js';
import type { TokenPeer } from './peers/peer.js';

/** Distinct answers kept apart; any further ones are counted together. */
const MAX_DISTINCT_ANSWERS = 20;

/** How one load run went. */
export interface LoadResult {
  /** Mean, median and best of the per-second request counts. */
  readonly requestsPerSecond: { readonly mean: number; readonly median: number; readonly max: number };
  /** Latency percentiles of every response, ms. */
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly total: number;
  readonly durationSeconds: number;
  /** Answers received, by `<status> <error>` (for instance `400 authorization_pending`). */
  readonly answers: ReadonlyMap<string, number>;
  /** Connection errors and timeouts (autocannon's `errors`, which include `timeouts`). */
  readonly errors: number;
  readonly timeouts: number;
}

/** Load settings. */
export interface LoadSettings {
  readonly connections: number;
  readonly durationSeconds: number;
}

/** `<status> <error>` of an answer: its OAuth `error`, or the first bytes of an unexpected body. */
function answerKey(status: number, body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    if (typeof error === 'string') return `${status} ${error}`;
  } catch {
    // Not JSON: shown as is.
  }
  return `${status} ${JSON.stringify(body.slice(0, 60))}`;
}

/** Splits `length` items into `parts` contiguous lanes: [start, end) of each. */
function lanesOf(length: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, k) => [
    Math.floor((k * length) / parts),
    Math.floor(((k + 1) * length) / parts),
  ]);
}

/**
 * Polls the peer's token endpoint with autocannon: every request is a device code grant. The
 * codes are split into one lane per connection and each connection walks its own lane round and
 * round, so a code is only ever polled by one connection, every lane length ÷ (that connection's
 * req/s) seconds, however the connections drift apart. `cursors` (one per connection, updated)
 * carries each walk over from one call to the next, so a new run does not re-poll the codes the
 * previous one just polled. Request buffers are built before the run; answers are tallied by
 * their body text and every response time is kept.
 */
export async function pollLoad(
  peer: TokenPeer,
  origin: string,
  codes: readonly IssuedCode[],
  settings: LoadSettings,
  cursors: number[],
): Promise<LoadResult> {
  if (codes.length < settings.connections) throw new Error('fewer codes than connections');
  const bodies = new Map<string, number>();
  const latencies = new Latencies();
  const tally = (status: number, body: string): void => {
    const key = bodies.size < MAX_DISTINCT_ANSWERS || bodies.has(`${status}\n${body}`) ? `${status}\n${body}` : 'other';
    bodies.set(key, (bodies.get(key) ?? 0) + 1);
  };
  const lanes = lanesOf(codes.length, settings.connections);
  const answered = lanes.map(() => 0);
  const laneRequests = lanes.map(([start, end], k): autocannon.Request[] => {
    const onResponse = (status: number, body: string): void => {
      answered[k] = (answered[k] ?? 0) + 1;
      tally(status, body);
    };
    const lane = codes.slice(start, end).map(({ deviceCode, clientId }) => ({
      method: 'POST' as const,
      path: peer.tokenPath,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(peer.tokenForm(deviceCode, clientId)).toString(),
      onResponse,
    }));
    const offset = (cursors[k] ?? 0) % lane.length;
    return [...lane.slice(offset), ...lane.slice(0, offset)];
  });
  const first = laneRequests[0]?.[0];
  if (first === undefined) throw new Error('no codes to poll');
  let clientIndex = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections: settings.connections,
        duration: settings.durationSeconds,
        // Each client gets its lane in setupClient: autocannon deep-copies its options per
        // client, so only one request goes through them.
        requests: [first],
        setupClient(client) {
          client.setRequests(laneRequests[clientIndex % laneRequests.length] ?? [first]);
          clientIndex += 1;
        },
      },
      (error, done) => {
        clearTimeout(guard);
        if (error !== null && error !== undefined) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(done);
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
      latencies.add(responseTime),
    );
    // autocannon ends on its own after `duration`; the guard only bounds a run that hangs.
    const guard = setTimeout(() => instance.stop(), (settings.durationSeconds + 30) * 1000);
  });

  // Next time, start after the last code answered and the one that may still have been in flight.
  lanes.forEach(([start, end], k) => (cursors[k] = ((cursors[k] ?? 0) + (answered[k] ?? 0) + 1) % (end - start)));

  const answers = new Map<string, number>();
  for (const [key, value] of bodies) {
    const newline = key.indexOf('\n');
    const name = newline < 0 ? key : answerKey(Number(key.slice(0, newline)), key.slice(newline + 1));
    answers.set(name, (answers.get(name) ?? 0) + value);
  }
  return {
    requestsPerSecond: { mean: result.requests.mean, median: result.requests.p50, max: result.requests.max },
    latency: latencies.percentiles(),
    total: [...answers.values()].reduce((sum, n) => sum + n, 0),
    durationSeconds: result.duration,
    answers,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
