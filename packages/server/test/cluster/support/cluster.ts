/**
 * Several server processes on one PostgreSQL database behind HAProxy, as docs/deployment.md
 * describes a multi-instance deployment: one config file (mode 0600, in a temp directory) with the
 * shared `cookieSecret` and `mfaEncryptionSecret`, the clients and the user; `DATABASE_URL` and
 * `DEVICELOGIN_PUBLIC_URL` (the load balancer's URL) and `DEVICELOGIN_TRUST_PROXY` (HAProxy's
 * address: the instances take the client's from its `X-Forwarded-For`) in the environment; a port
 * each.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, tempDir } from '@devicelogin/test-utils';
import { CLIENT_ID, USER } from '../../support/test-server.js';
import { startHaproxy, type LoadBalancer } from './haproxy.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** The health check path HAProxy uses (`GET /healthz`: liveness, endpoints/health.ts). */
export const HEALTH_PATH = '/healthz';

/** What {@link startCluster} takes. */
export interface ClusterOptions {
  /** The database the instances share (they migrate it at start, under an advisory lock). */
  readonly databaseUrl: string;
  /** Number of server processes. Default 2. */
  readonly instances?: number;
  /** Advertised polling interval, seconds. Default 1 (the least the server accepts). */
  readonly pollIntervalSeconds?: number;
  /** The load balancer's port. Default: a free one. */
  readonly balancerPort?: number;
  /**
   * The public URL the instances announce (issuer, endpoints in discovery). Default: the load
   * balancer's URL. A test putting something in front of HAProxy passes that thing's URL.
   */
  readonly publicUrl?: string;
}

/** A running cluster. */
export interface Cluster {
  readonly instances: readonly ServerProcess[];
  readonly balancer: LoadBalancer;
  /** The load balancer's URL. */
  readonly url: string;
  /** The announced public URL. */
  readonly publicUrl: string;
  /** Kills every process (servers and HAProxy) and removes the temp directory; harmless twice. */
  close(): Promise<void>;
}

/**
 * Starts the server processes (one after the other: the first migrates the database), then
 * HAProxy in front of them. On any failure, what was started is stopped before rethrowing.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const directory = await tempDir('devicelogin-cluster-');
  const instances: ServerProcess[] = [];
  let balancer: LoadBalancer | undefined;
  const close = async (): Promise<void> => {
    await balancer?.close();
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await directory.remove();
  };
  try {
    const balancerPort = options.balancerPort ?? (await freePort());
    const publicUrl = options.publicUrl ?? `http://127.0.0.1:${balancerPort}`;
    const configPath = join(directory.path, 'devicelogin.json');
    const config = {
      // Shared by every instance: a page cookie set by one is accepted by the others.
      cookieSecret: randomBytes(32).toString('base64url'),
      mfaEncryptionSecret: randomBytes(32).toString('base64url'),
      clients: [{ clientId: CLIENT_ID, name: 'Contoso CLI' }],
      users: [USER],
    };
    await writeFile(configPath, JSON.stringify(config), { mode: 0o600 });
    const env = {
      DATABASE_URL: options.databaseUrl,
      DEVICELOGIN_PUBLIC_URL: publicUrl,
      DEVICELOGIN_POLL_INTERVAL_SECONDS: String(options.pollIntervalSeconds ?? 1),
      DEVICELOGIN_DATABASE_POOL_SIZE: '4',
      // HAProxy connects from 127.0.0.1 and appends the client's address (option forwardfor).
      DEVICELOGIN_TRUST_PROXY: '127.0.0.1',
    };
    for (let i = 1; i <= (options.instances ?? 2); i += 1) {
      instances.push(await startServerProcess({ name: `s${i}`, port: await freePort(), configPath, env }));
    }
    balancer = await startHaproxy({
      port: balancerPort,
      backends: instances.map(({ name, port }) => ({ name, port })),
      directory: directory.path,
      healthPath: HEALTH_PATH,
    });
    return { instances, balancer, url: balancer.url, publicUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}
