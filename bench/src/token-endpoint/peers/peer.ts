/**
 * One server measured by the token-endpoint benchmark. Every peer adapts to this shape, so the
 * harness treats ours, node-oidc-provider and the bare `node:http` floor alike. The descriptive
 * fields and the request shapes are used by the harness (the load generator's process);
 * {@link TokenPeer.start} and what it returns run in the server's own child process.
 */

/** How the harness asks a peer's child to set itself up. */
export interface PeerSettings {
  /**
   * Public clients to register. Codes are spread over them, because our server limits device
   * codes issued per client (and per IP) in a window.
   */
  readonly clientIds: readonly string[];
  /** Polling interval the server advertises and enforces, seconds (where configurable). */
  readonly pollIntervalSeconds: number;
  /** A private temporary directory for the peer's files (the SQLite database). */
  readonly directory: string;
  /** node-oidc-provider's memory adapter store: raised capacity (default) or stock (1,000 entries). */
  readonly oidcStore: 'raised' | 'stock';
  /** PostgreSQL database for the peers that use one (ours on PostgreSQL): a fresh, empty one. */
  readonly databaseUrl?: string | undefined;
}

/** Resident memory and store size of a running server. */
export interface Footprint {
  /** `process.memoryUsage()`, bytes, after a full GC when `--expose-gc` is on. */
  readonly rss: number;
  readonly heapUsed: number;
  /** Files the store keeps, name → bytes (SQLite database and WAL). */
  readonly files: Readonly<Record<string, number>>;
}

/** A peer listening on 127.0.0.1, in its child process. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /**
   * Creates `count` pending device codes directly through the store or model API (no HTTP), as
   * the device authorization endpoint would (memory and cost-growth measurements); resolves to
   * their device codes, in order.
   */
  fill(count: number, clientId: string): Promise<readonly string[]>;
  /**
   * Polls every code {@link fill} created once, through the server's own token endpoint in
   * process (no socket), so that per-code polling state is counted; resolves to the answers by
   * `<status> <error>`. Absent when polling a pending code keeps no state.
   */
  readonly pollEach?: () => Promise<Record<string, number>>;
  /** Store files and their sizes. */
  files(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** One server measured by the benchmark. */
export interface TokenPeer {
  /** Display name: the package and its version, or `baseline`. */
  readonly name: string;
  /** How it is set up, shown under the tables. */
  readonly setup: string;
  /** Path of the token endpoint. */
  readonly tokenPath: string;
  /** Path of the device authorization endpoint; undefined for the baseline (no real codes). */
  readonly deviceAuthorizationPath: string | undefined;
  /** Form fields of a device authorization request. */
  deviceAuthorizationForm(clientId: string): Record<string, string>;
  /** Form fields of a token request polling `deviceCode`. */
  tokenForm(deviceCode: string, clientId: string): Record<string, string>;
  /** Starts the server on 127.0.0.1:0 (runs in the child process). */
  start(settings: PeerSettings): Promise<RunningServer>;
}

/** RFC 8628's device code grant type. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** The scope every device authorization request asks for. */
export const SCOPE = 'openid';
