/**
 * A fetch for the client that records what happened to each request (status and Retry-After, or
 * the failure), so a test can wait for "the client has seen a 503" instead of sleeping.
 */
import type { FetchLike } from '@devicelogin/client';

/** One request the client made. */
export interface RecordedCall {
  /** Origin-less path (`/contoso/oauth2/v2.0/token`). */
  readonly path: string;
  /** The HTTP status, or `failed` when fetch rejected (connection refused or reset, timeout). */
  readonly outcome: number | 'failed';
  readonly retryAfter: string | null;
  /** `Preference-Applied` of the answer (a held long-poll says `wait=N`). */
  readonly preferenceApplied: string | null;
}

/** The fetch and what it recorded. */
export interface RecordingFetch {
  readonly fetch: FetchLike;
  readonly calls: readonly RecordedCall[];
  /** The calls to paths ending in `suffix`. */
  to(suffix: string): RecordedCall[];
}

/** Wraps the global fetch. */
export function recordingFetch(): RecordingFetch {
  const calls: RecordedCall[] = [];
  return {
    calls,
    to: (suffix) => calls.filter((call) => call.path.endsWith(suffix)),
    fetch: async (input, init) => {
      const path = new URL(input).pathname;
      try {
        const response = await fetch(input, init);
        calls.push({
          path,
          outcome: response.status,
          retryAfter: response.headers.get('retry-after'),
          preferenceApplied: response.headers.get('preference-applied'),
        });
        return response;
      } catch (error) {
        calls.push({ path, outcome: 'failed', retryAfter: null, preferenceApplied: null });
        throw error;
      }
    },
  };
}
