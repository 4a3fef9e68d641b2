/**
 * The parts of an HTTP response the pure `process*` functions look at. The client's transport
 * reads the body (bounded in size) and hands this plain object over, so that processing is
 * synchronous, deterministic and testable without a network.
 */
export interface ReceivedResponse {
  readonly status: number;
  /** Value of the Content-Type header, or null when absent. */
  readonly contentType: string | null;
  /** Value of the Retry-After header, or null when absent. */
  readonly retryAfter: string | null;
  /**
   * Value of the Preference-Applied header (RFC 7240), when the transport reads it: the token
   * endpoint's answer to a long-poll (`Prefer: wait=N`). Absent or null: none.
   */
  readonly preferenceApplied?: string | null;
  readonly body: string;
}
