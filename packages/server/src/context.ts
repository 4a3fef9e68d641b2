import type { Clock } from '@devicelogin/protocol';
import type { ServerConfig } from './config/defaults.js';
import type { DpopNonces } from './dpop/nonces.js';
import type { DeviceCodeEvents } from './events/device-code-events.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import type { Store } from './store/store.js';
import type { SigningKeys } from './tokens/signing-keys.js';

/** What every endpoint and page needs, injected once when the app is built. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly store: Store;
  /** Time source; tests move it instead of waiting. */
  readonly clock: Clock;
  readonly keys: SigningKeys;
  /**
   * Secret for signing the verification pages' session and CSRF cookies (HMAC). Instances behind
   * one load balancer must share it (config `cookieSecret`); random per process by default.
   */
  readonly cookieSecret: string;
  /** Prometheus counters and histograms of this app (served at `/metrics`). */
  readonly metrics: ServerMetrics;
  /**
   * Decisions on device codes (approve/deny publish, held token requests wait): in-process with
   * SQLite, LISTEN/NOTIFY with PostgreSQL (events/open-events.ts).
   */
  readonly events: DeviceCodeEvents;
  /** DPoP nonces (config `dpopNonces`), derived from `cookieSecret`; undefined when off. */
  readonly dpopNonces: DpopNonces | undefined;
}

/** The deterministic tenant id (a UUID) of a tenant name, used as `tid`. */
export { tenantId } from './tokens/tenant-id.js';
