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
  readonly body: string;
}
