/**
 * Faults around a two-instance cluster (server processes behind HAProxy, as in
 * multi-instance.test.ts). The machine's PostgreSQL is never restarted (other test files use it
 * at the same time): the instances reach it through a TCP relay that the tests cut (every
 * connection dropped, new ones refused: what a restart looks like from the pool) and restore, or
 * their connections are ended with pg_terminate_backend. The client reaches the balancer through
 * a second relay, cut to reset its connections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { NetworkError } from '@devicelogin/client';
import {
  freePort,
  freshPostgresDatabase,
  startTcpRelay,
  type TcpRelay,
  type TestDatabase,
} from '@devicelogin/test-utils';
import { startCluster, type Cluster } from './support/cluster.js';
import { approveThroughPages, startPolling } from './support/device-sign-in.js';
import { waitUntil } from './support/haproxy.js';
import { recordingFetch } from './support/recording-fetch.js';
import { redemptions } from './support/redemptions.js';

const TOKEN_PATH = '/oauth2/v2.0/token';

let database: TestDatabase | undefined;
let databaseRelay: TcpRelay | undefined;
let clientRelay: TcpRelay | undefined;
let cluster: Cluster | undefined;

beforeAll(async () => {
  database = await freshPostgresDatabase();
  const direct = new URL(database.url);
  databaseRelay = await startTcpRelay(Number(direct.port || 5432));
  const viaRelay = new URL(database.url);
  viaRelay.port = String(databaseRelay.port);
  const balancerPort = await freePort();
  clientRelay = await startTcpRelay(balancerPort);
  cluster = await startCluster({
    databaseUrl: viaRelay.toString(),
    balancerPort,
    publicUrl: `http://127.0.0.1:${clientRelay.port}`,
  });
}, 40_000);

afterAll(async () => {
  try {
    await cluster?.close();
    await clientRelay?.close();
    await databaseRelay?.close();
  } finally {
    await database?.drop();
  }
}, 20_000);

interface Running {
  readonly cluster: Cluster;
  readonly database: TestDatabase;
  readonly databaseRelay: TcpRelay;
  readonly clientRelay: TcpRelay;
}

function running(): Running {
  if (cluster === undefined || database === undefined || databaseRelay === undefined || clientRelay === undefined)
    throw new Error('the cluster did not start');
  return { cluster, database, databaseRelay, clientRelay };
}

/** Device codes issued from index `before` on: each consumed once, one live refresh token each. */
async function expectEachRedeemedOnce(databaseUrl: string, before: number, count: number): Promise<void> {
  const rows = (await redemptions(databaseUrl)).slice(before);
  expect(rows).toHaveLength(count);
  for (const row of rows) expect(row).toMatchObject({ status: 'consumed', refreshTokens: 1, revoked: 0 });
}

describe('PostgreSQL unreachable during flows', () => {
  it('a pending code: polls get 503 + Retry-After, the client keeps polling, completes once the database is back', async () => {
    const r = running();
    const before = (await redemptions(r.database.url)).length;
    const recorder = recordingFetch();
    const signIn = await startPolling(r.cluster.publicUrl, { fetch: recorder.fetch });
    await r.databaseRelay.cut();
    try {
      await waitUntil(() => recorder.to(TOKEN_PATH).some((call) => call.outcome === 503), 10_000);
      const ready = await fetch(`${r.cluster.url}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      await r.databaseRelay.restore();
    }
    const outage = recorder.to(TOKEN_PATH).filter((call) => call.outcome === 503);
    expect(outage.every((call) => call.retryAfter === '5')).toBe(true);
    await approveThroughPages(r.cluster.url, signIn.info.userCode);
    const result = await signIn.result;
    expect(result.accessToken).toEqual(expect.any(String));
    // Retry-After honoured: 503 answers are not hammered (one per 5 s at most while it lasts).
    expect(outage.length).toBeLessThanOrEqual(2);
    expect(recorder.to(TOKEN_PATH).at(-1)?.outcome).toBe(200);
    await expectEachRedeemedOnce(r.database.url, before, 1);
  }, 30_000);

  it('a code approved just before the outage is not lost: picked up after it, redeemed once', async () => {
    const r = running();
    const before = (await redemptions(r.database.url)).length;
    const recorder = recordingFetch();
    const signIn = await startPolling(r.cluster.publicUrl, {
      fetch: recorder.fetch,
      // The user approves at once; then the database goes away before the client's first poll.
      onShown: async (info) => {
        await approveThroughPages(r.cluster.url, info.userCode);
        await r.databaseRelay.cut();
      },
    });
    try {
      await waitUntil(() => recorder.to(TOKEN_PATH).some((call) => call.outcome === 503), 10_000);
    } finally {
      await r.databaseRelay.restore();
    }
    const result = await signIn.result;
    expect(result.account).toMatchObject({ username: 'ada@contoso.example' });
    expect(recorder.to(TOKEN_PATH).map((call) => call.outcome)).toEqual([503, 200]);
    await expectEachRedeemedOnce(r.database.url, before, 1);
  }, 30_000);

  it("the server's connections ended by pg_terminate_backend mid-flow: the pools reconnect, the flow completes", async () => {
    const r = running();
    const before = (await redemptions(r.database.url)).length;
    const signIn = await startPolling(r.cluster.publicUrl);
    // Each instance's pool holds a connection now (readiness queries the store; idle ones close
    // after 10 s, and pending polls may be answered from memory without one).
    for (const instance of r.cluster.instances) expect((await fetch(`${instance.url}/readyz`)).status).toBe(200);
    const admin = new Client({ connectionString: r.database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ ended: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'devicelogin'`,
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.ended)).toBe(true);
    } finally {
      await admin.end();
    }
    await approveThroughPages(r.cluster.url, signIn.info.userCode);
    expect((await signIn.result).accessToken).toEqual(expect.any(String));
    await expectEachRedeemedOnce(r.database.url, before, 1);
  }, 30_000);
});

describe('client-side connection failures (through the real client)', () => {
  it('connections reset and refused while polling: typed network failures, bounded retries, then success', async () => {
    const r = running();
    const before = (await redemptions(r.database.url)).length;
    const recorder = recordingFetch();
    const signIn = await startPolling(r.cluster.publicUrl, { fetch: recorder.fetch });
    await r.clientRelay.cut();
    try {
      await waitUntil(() => recorder.to(TOKEN_PATH).some((call) => call.outcome === 'failed'), 10_000);
    } finally {
      await r.clientRelay.restore();
    }
    await approveThroughPages(r.cluster.url, signIn.info.userCode);
    expect((await signIn.result).accessToken).toEqual(expect.any(String));
    const outcomes = recorder.to(TOKEN_PATH).map((call) => call.outcome);
    // Back-off after a network failure (2 × interval, doubling): one or two failures, not a busy loop.
    expect(outcomes.filter((outcome) => outcome === 'failed').length).toBeLessThanOrEqual(2);
    expect(outcomes.at(-1)).toBe(200);
    await expectEachRedeemedOnce(r.database.url, before, 1);
  }, 30_000);

  it('the server unreachable when the sign-in starts: NetworkError at once, no retry', async () => {
    const r = running();
    const recorder = recordingFetch();
    await r.clientRelay.cut();
    try {
      const error = await startPolling(r.cluster.publicUrl, { fetch: recorder.fetch }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).code).toBe('network_error');
      expect(recorder.calls).toHaveLength(1);
      expect(recorder.calls[0]?.outcome).toBe('failed');
    } finally {
      await r.clientRelay.restore();
    }
  });
});
