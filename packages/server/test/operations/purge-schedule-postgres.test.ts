/**
 * The scheduled purge with several instances on one PostgreSQL database: every instance runs its
 * own, at the same moment here (one manual clock for both), over more rows than one batch. The
 * deletes do not conflict: a batch of one waits on the other's row locks and finds those rows
 * gone; no run fails, every expired row is deleted exactly once between them, live rows stay.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually, freshPostgresDatabase, manualClock, type TestDatabase } from '@devicelogin/test-utils';
import { buildApp, type BuiltApp } from '../../src/app.js';
import type { ServerMetrics } from '../../src/metrics/server-metrics.js';
import { PURGE_BATCH } from '../../src/store/postgres/database.js';
import { newDeviceCode, newRefreshToken } from '../store/contract-fixtures.js';

const INTERVAL_MS = 600_000;

let database: TestDatabase | undefined;
afterAll(async () => database?.drop());
const apps: BuiltApp[] = [];
afterEach(async () => {
  for (const built of apps.splice(0)) await built.app.close();
});

async function value(metrics: ServerMetrics, name: 'purgeRuns' | 'purgedRows', outcome?: string): Promise<number> {
  const { values } = await metrics[name].get();
  return values
    .filter((v) => outcome === undefined || v.labels['outcome'] === outcome)
    .reduce((sum, v) => sum + v.value, 0);
}

describe('scheduled purge on PostgreSQL, two instances', () => {
  it('both purge at once: no failure, each expired row deleted once, live rows kept', async () => {
    database = await freshPostgresDatabase();
    const clock = manualClock(Date.now());
    for (let i = 0; i < 2; i += 1) {
      const built = await buildApp({
        config: { publicUrl: 'http://127.0.0.1', databaseUrl: database.url },
        clock,
        scheduleClock: clock,
      });
      apps.push(built);
      await built.app.listen({ port: 0, host: '127.0.0.1' });
    }
    await eventually(() => clock.pending === 2);
    const [first, second] = apps.map((built) => built.context);
    if (first === undefined || second === undefined) throw new Error('two apps expected');
    const now = clock.now();
    const expired = Array.from({ length: 2 * PURGE_BATCH + 300 }, () =>
      newDeviceCode({ createdAt: now, expiresAt: now + 1_000 }),
    );
    for (const code of expired) expect(await first.store.createDeviceCode(code)).toBe(true);
    const live = newDeviceCode({ createdAt: now, expiresAt: now + 2 * INTERVAL_MS });
    expect(await first.store.createDeviceCode(live)).toBe(true);
    const expiredToken = newRefreshToken({ createdAt: now, expiresAt: now + 1_000 });
    const liveToken = newRefreshToken({ createdAt: now, expiresAt: now + 2 * INTERVAL_MS });
    await first.store.createRefreshToken(expiredToken);
    await first.store.createRefreshToken(liveToken);

    clock.advance(INTERVAL_MS);
    await eventually(() => clock.pending === 2, 30_000);

    for (const context of [first, second]) {
      expect(await value(context.metrics, 'purgeRuns', 'ok')).toBe(1);
      expect(await value(context.metrics, 'purgeRuns', 'failed')).toBe(0);
    }
    const deleted = (await value(first.metrics, 'purgedRows')) + (await value(second.metrics, 'purgedRows'));
    expect(deleted).toBe(expired.length + 1);
    for (const code of [expired[0]!, expired.at(-1)!]) {
      expect(await second.store.findDeviceCodeByHash(code.deviceCodeHash)).toBeUndefined();
    }
    expect(await second.store.findDeviceCodeByHash(live.deviceCodeHash)).toMatchObject({ id: live.id });
    expect(await second.store.findRefreshToken(expiredToken.tokenHash)).toBeUndefined();
    expect(await second.store.findRefreshToken(liveToken.tokenHash)).toBeDefined();
  }, 60_000);
});
