/**
 * The scheduled purge (src/operations/purge-schedule.ts, `purgeIntervalSeconds`). The app's clock
 * and the schedule's are one `manualClock`, so a run happens exactly when the test moves time
 * past an interval, never on its own.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, manualClock, type ManualClock } from '@devicelogin/test-utils';
import { StoreUnavailableError, buildApp, openSqliteStore, type BuiltApp, type Store } from '@devicelogin/server';
import { ServerMetrics } from '../../src/metrics/server-metrics.js';
import { purgeOnce, startPurgeSchedule, type PurgeScheduleOptions } from '../../src/operations/purge-schedule.js';
import { StoreUnavailableError as SourceStoreUnavailableError } from '../../src/store/errors.js';
import { APPROVER, newDeviceCode, newRefreshToken } from '../store/contract-fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const INTERVAL_MS = 600_000;
const DAY_MS = 86_400_000;

let server: TestServer | undefined;
let built: BuiltApp | undefined;
afterEach(async () => {
  await server?.close();
  await built?.app.close();
  server = undefined;
  built = undefined;
});

/** Log lines written by the app's pino logger. */
function logLines(): { stream: { write(line: string): void }; lines: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => void lines.push(line) },
    lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

function purgeLogs(lines: Record<string, unknown>[]): Record<string, unknown>[] {
  return lines.filter((line) => /purge/.test(String(line['msg'])));
}

/** The value of one sample of the app's registry (0 when absent). */
async function sample(metrics: { readonly registry: { metrics(): Promise<string> } }, line: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const match = text.split('\n').find((l) => l.startsWith(`${line} `));
  return match === undefined ? 0 : Number(match.slice(line.length + 1));
}

/** Moves the manual clock one interval and waits for the run to end (the loop sleeps again). */
async function nextRun(clock: ManualClock, ms = INTERVAL_MS): Promise<void> {
  expect(clock.pending).toBe(1);
  clock.advance(ms);
  expect(clock.pending).toBe(0);
  await eventually(() => clock.pending === 1);
}

describe('scheduled purge in the app', () => {
  it('one interval after the start, expired codes and refresh tokens are gone, live ones stay; approvals go after their retention', async () => {
    const clock = manualClock(Date.now());
    const log = logLines();
    const s = (server = await startTestServer(
      { approvalRetentionDays: 1 },
      { clock, scheduleClock: clock, logger: { level: 'info', stream: log.stream } },
    ));
    const { store, metrics } = s.context;
    await eventually(() => clock.pending === 1); // the loop waits for its first run
    expect(clock.sleeps).toEqual([INTERVAL_MS]);
    const now = clock.now();
    const expiredCode = newDeviceCode({ createdAt: now, expiresAt: now + 1_000 });
    const liveCode = newDeviceCode({ createdAt: now, expiresAt: now + 2 * INTERVAL_MS });
    const approvedCode = newDeviceCode({ createdAt: now, expiresAt: now + 2 * INTERVAL_MS });
    for (const code of [expiredCode, liveCode, approvedCode]) expect(await store.createDeviceCode(code)).toBe(true);
    expect(await store.approveDeviceCode(approvedCode.id, 'user-1', 'openid', now, APPROVER)).toBe(true);
    const expiredToken = newRefreshToken({ createdAt: now, expiresAt: now + 1_000 });
    const liveToken = newRefreshToken({ createdAt: now, expiresAt: now + DAY_MS * 30 });
    await store.createRefreshToken(expiredToken);
    await store.createRefreshToken(liveToken);

    // Nothing runs before the interval has passed.
    clock.advance(INTERVAL_MS - 1);
    expect(clock.pending).toBe(1);
    expect(await store.findDeviceCodeByHash(expiredCode.deviceCodeHash)).toBeDefined();

    await nextRun(clock, 1);
    expect(await store.findDeviceCodeByHash(expiredCode.deviceCodeHash)).toBeUndefined();
    expect(await store.findRefreshToken(expiredToken.tokenHash)).toBeUndefined();
    expect(await store.findDeviceCodeByHash(liveCode.deviceCodeHash)).toMatchObject({ id: liveCode.id });
    expect(await store.findRefreshToken(liveToken.tokenHash)).toMatchObject({ tokenHash: liveToken.tokenHash });
    expect(await store.listApprovals({ limit: 10 })).toHaveLength(1);
    expect(await sample(metrics, 'devicelogin_purge_runs_total{outcome="ok"}')).toBe(1);
    expect(await sample(metrics, 'devicelogin_purged_rows_total')).toBe(2);
    expect(await sample(metrics, 'devicelogin_purge_last_success_timestamp_seconds')).toBe(clock.now() / 1000);

    // A day later: the approval is past its retention (1 day); the other codes have expired.
    await nextRun(clock, DAY_MS);
    expect(await store.listApprovals({ limit: 10 })).toEqual([]);
    expect(await store.findDeviceCodeByHash(liveCode.deviceCodeHash)).toBeUndefined();
    expect(await store.findRefreshToken(liveToken.tokenHash)).toBeDefined();
    expect(await sample(metrics, 'devicelogin_purged_rows_total')).toBe(2 + 3);

    // One info line per run, with the count and nothing that identifies a record.
    const lines = purgeLogs(log.lines());
    expect(lines.map((line) => [line['level'], line['msg'], (line['purge'] as { deleted: number }).deleted])).toEqual([
      [30, 'expired records purged', 2],
      [30, 'expired records purged', 3],
    ]);
    const text = JSON.stringify(lines);
    for (const secret of [
      expiredCode.id,
      expiredCode.deviceCodeHash,
      expiredCode.userCodeHash,
      expiredToken.tokenHash,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('a failing run (store unavailable, or any error) is a warning; the next interval purges again', async () => {
    const clock = manualClock(Date.now());
    const log = logLines();
    const sqlite = openSqliteStore({ path: ':memory:' });
    const failures: Error[] = [
      new StoreUnavailableError('PostgreSQL is unavailable (ECONNREFUSED)'),
      new Error('disk I/O error'),
    ];
    const store: Store = {
      ...sqlite,
      purgeExpired: (before, options) => {
        const failure = failures.shift();
        return failure === undefined ? sqlite.purgeExpired(before, options) : Promise.reject(failure);
      },
    };
    built = await buildApp({
      config: { publicUrl: 'http://127.0.0.1' },
      store,
      clock,
      scheduleClock: clock,
      logger: { level: 'info', stream: log.stream },
    });
    await built.app.listen({ port: 0, host: '127.0.0.1' });
    await eventually(() => clock.pending === 1);
    const expired = newDeviceCode({ createdAt: clock.now(), expiresAt: clock.now() + 1 });
    expect(await store.createDeviceCode(expired)).toBe(true);

    await nextRun(clock);
    await nextRun(clock);
    expect(await store.findDeviceCodeByHash(expired.deviceCodeHash)).toBeDefined();
    await nextRun(clock);
    expect(await store.findDeviceCodeByHash(expired.deviceCodeHash)).toBeUndefined();

    expect(
      purgeLogs(log.lines()).map((line) => [
        line['level'],
        line['msg'],
        (line['error'] as { type?: string } | undefined)?.type,
      ]),
    ).toEqual([
      [40, 'purge skipped: the store is unavailable; retrying at the next interval', 'StoreUnavailableError'],
      [40, 'purge failed; retrying at the next interval', 'Error'],
      [30, 'expired records purged', undefined],
    ]);
    const { metrics } = built.context;
    expect(await sample(metrics, 'devicelogin_purge_runs_total{outcome="failed"}')).toBe(2);
    expect(await sample(metrics, 'devicelogin_purge_runs_total{outcome="ok"}')).toBe(1);
    // Still a 200 for the app's own endpoints throughout.
    expect((await built.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('closing the app stops the loop: its wait is cancelled and no run comes after', async () => {
    const clock = manualClock(Date.now());
    const sqlite = openSqliteStore({ path: ':memory:' });
    let runs = 0;
    const store: Store = {
      ...sqlite,
      purgeExpired: (before, options) => {
        runs += 1;
        return sqlite.purgeExpired(before, options);
      },
    };
    built = await buildApp({ config: { publicUrl: 'http://127.0.0.1' }, store, clock, scheduleClock: clock });
    await built.app.listen({ port: 0, host: '127.0.0.1' });
    await eventually(() => clock.pending === 1);
    await nextRun(clock);
    expect(runs).toBe(1);
    await built.app.close();
    expect(clock.pending).toBe(0);
    clock.advance(10 * INTERVAL_MS);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(1);
  });

  it('purgeIntervalSeconds 0: nothing is scheduled; an app that never listens schedules nothing either', async () => {
    const clock = manualClock(Date.now());
    const s = (server = await startTestServer({ purgeIntervalSeconds: 0 }, { clock, scheduleClock: clock }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.pending).toBe(0);
    await s.close();
    server = undefined;

    built = await buildApp({
      config: { publicUrl: 'http://127.0.0.1', sqlitePath: ':memory:' },
      clock,
      scheduleClock: clock,
    });
    expect((await built.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(clock.pending).toBe(0);
  });

  it('with real timers (the default), a closed server leaves no timer behind: its process exits by itself', async () => {
    // A child process builds the app with the default clocks, listens, closes and then has
    // nothing left to do: it must exit at once, not after the 600 s wait of the schedule.
    const script = `
      import { buildApp } from '@devicelogin/server';
      const { app } = await buildApp({ config: { publicUrl: 'http://127.0.0.1', sqlitePath: ':memory:' } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await app.close();
      process.stdout.write('closed\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exit = await new Promise<number | 'lingered'>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('lingered');
      }, 10_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code ?? -1);
      });
    });
    expect({ exit, output }).toEqual({ exit: 0, output: 'closed\n' });
  });
});

describe('purge schedule (module)', () => {
  function options(overrides: Partial<PurgeScheduleOptions> & { readonly clock: ManualClock }): {
    readonly options: PurgeScheduleOptions;
    readonly calls: { before: number; approvalsBefore: number | undefined }[];
    readonly logs: { level: string; fields: Record<string, unknown>; message: string }[];
    readonly metrics: ServerMetrics;
  } {
    const calls: { before: number; approvalsBefore: number | undefined }[] = [];
    const logs: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const metrics = new ServerMetrics({ processMetrics: false });
    return {
      calls,
      logs,
      metrics,
      options: {
        store: {
          purgeExpired: (before, opts) => {
            calls.push({ before, approvalsBefore: opts?.approvalsBefore });
            return Promise.resolve(4);
          },
        },
        sleep: (ms, signal) => overrides.clock.sleep(ms, signal),
        intervalSeconds: 600,
        approvalRetentionDays: 90,
        log: {
          info: (fields, message) => void logs.push({ level: 'info', fields, message }),
          warn: (fields, message) => void logs.push({ level: 'warn', fields, message }),
        },
        metrics,
        ...overrides,
      },
    };
  }

  it('purges with now and now − approvalRetentionDays, once per interval; stop() is idempotent', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const { options: o, calls, logs } = options({ clock });
    const schedule = startPurgeSchedule(o);
    expect(clock.pending).toBe(1);
    await nextRun(clock);
    await nextRun(clock);
    const first = Date.UTC(2026, 0, 1) + INTERVAL_MS;
    expect(calls).toEqual([
      { before: first, approvalsBefore: first - 90 * DAY_MS },
      { before: first + INTERVAL_MS, approvalsBefore: first + INTERVAL_MS - 90 * DAY_MS },
    ]);
    expect(logs.map((l) => [l.level, l.message, (l.fields['purge'] as { deleted: number }).deleted])).toEqual([
      ['info', 'expired records purged', 4],
      ['info', 'expired records purged', 4],
    ]);
    expect(Object.keys(logs[0]?.fields['purge'] as object).sort()).toEqual(['deleted', 'ms']);
    await schedule.stop();
    await schedule.stop();
    expect(clock.pending).toBe(0);
  });

  it('purgeOnce never throws, whatever the store throws', async () => {
    const clock = manualClock();
    for (const thrown of [new SourceStoreUnavailableError('down'), new TypeError('bug'), 'a string']) {
      const {
        options: o,
        logs,
        metrics,
      } = options({
        clock,
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a non-Error too
        store: { purgeExpired: () => Promise.reject(thrown) },
      });
      expect(await purgeOnce(o)).toBeUndefined();
      expect(logs).toHaveLength(1);
      expect(logs[0]?.level).toBe('warn');
      expect(await sample(metrics, 'devicelogin_purge_runs_total{outcome="failed"}')).toBe(1);
    }
  });

  it('stop() waits for a run in progress to end', async () => {
    const clock = manualClock();
    let finish: (rows: number) => void = () => undefined;
    const { options: o, logs } = options({
      clock,
      store: { purgeExpired: () => new Promise<number>((resolve) => (finish = resolve)) },
    });
    const schedule = startPurgeSchedule(o);
    clock.advance(INTERVAL_MS);
    await eventually(() => clock.pending === 0);
    await new Promise((resolve) => setImmediate(resolve));
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish(7);
    await stopping;
    expect(logs.map((l) => (l.fields['purge'] as { deleted: number }).deleted)).toEqual([7]);
    expect(clock.pending).toBe(0);
  });
});
