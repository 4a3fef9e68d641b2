/**
 * Approval → tokens at the client: how long after the user's approval is committed our client
 * holds the tokens, with long-poll (`Prefer: wait=N`, the server advertises it) and with standard
 * RFC 8628 polling (interval 5 s, `system.longPoll: false`). Real clock, real HTTP on 127.0.0.1,
 * our server in this process on an in-memory SQLite store (a fresh one per mode: issuance limits).
 * Each mode runs its flows concurrently; each flow's approval comes at a random moment 1–6 s after
 * its code was shown (so it lands at a random phase of the polling cycle), committed in the store
 * and published as the consent page does; the latency ends when `acquireTokenByDeviceCode`
 * resolves (tokens received, id_token verified).
 *
 *   npm run bench:latency                          (builds first)
 *   node bench/dist/approval-latency.bench.js --flows 20
 */
import { parseArgs } from 'node:util';
import { freePort } from './free-port.js';
import { availableParallelism, cpus } from 'node:os';
import { createHash } from 'node:crypto';
import { PublicClientApplication, type DeviceCodeInfo } from '@devicelogin/client';
import { normalizeUserCode } from '@devicelogin/protocol';
import { buildApp, openSqliteStore } from '@devicelogin/server';
import { renderMarkdown, renderText, type Table } from './silent/table.js';

const { values } = parseArgs({ options: { flows: { type: 'string', default: '20' } } });
const FLOWS = Number(values.flows);
const INTERVAL_SECONDS = 5;
const CLIENT_ID = 'bench-cli';
const USER = {
  tenant: 'contoso',
  username: 'ada@contoso.example',
  displayName: 'Ada',
  password: 'bench password 1234',
};

/** Deterministic pseudo-random numbers in [0, 1) (a run is repeatable). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function quantile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

interface ModeResult {
  readonly label: string;
  readonly latencies: readonly number[];
}

async function runMode(label: string, longPoll: boolean, seed: number): Promise<ModeResult> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { app, context } = await buildApp({
    config: {
      publicUrl: base,
      pollIntervalSeconds: INTERVAL_SECONDS,
      clients: [{ clientId: CLIENT_ID, name: 'Bench' }],
      users: [USER],
    },
    store: openSqliteStore({ path: ':memory:' }),
  });
  await app.listen({ port, host: '127.0.0.1' });
  const user = await context.store.findUser(USER.tenant, USER.username);
  if (user === undefined) throw new Error('bench user missing');
  const next = random(seed);
  const approve = async (info: DeviceCodeInfo): Promise<number> => {
    const hash = createHash('sha256').update(normalizeUserCode(info.userCode), 'utf8').digest('base64url');
    const record = await context.store.findDeviceCodeByUserCode(hash);
    if (record === undefined) throw new Error('unknown user code');
    const approver = { ip: '127.0.0.1', userAgent: 'bench' }; // the consent page passes its request's
    if (!(await context.store.approveDeviceCode(record.id, user.id, record.scope, Date.now(), approver)))
      throw new Error('approval refused');
    const approvedAt = performance.now();
    await context.events.publish(record.id); // what the consent page does after committing
    return approvedAt;
  };
  try {
    const flows = Array.from({ length: FLOWS }, async () => {
      const delayMs = 1000 + next() * INTERVAL_SECONDS * 1000;
      const client = new PublicClientApplication({
        auth: { clientId: CLIENT_ID, authority: `${base}/contoso`, provider: 'generic' },
        system: { longPoll },
      });
      let approval: Promise<number> | undefined;
      await client.acquireTokenByDeviceCode({
        scopes: ['openid', 'offline_access'],
        onDeviceCode: (info) => {
          approval = new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(() => approve(info));
        },
      });
      const receivedAt = performance.now();
      if (approval === undefined) throw new Error('no device code shown');
      return receivedAt - (await approval);
    });
    return { label, latencies: (await Promise.all(flows)).sort((a, b) => a - b) };
  } finally {
    await app.close();
  }
}

const started = performance.now();
console.log(
  `approval → tokens at the client: ${FLOWS} concurrent flows per mode, interval ${INTERVAL_SECONDS} s, ` +
    `approval 1–6 s after the code is shown; our server in-process, SQLite :memory:, 127.0.0.1`,
);
console.log(`node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}\n`);
const longPoll = await runMode('long-poll (Prefer: wait=20)', true, 1);
const polling = await runMode(`standard polling (interval ${INTERVAL_SECONDS} s)`, false, 1);
const ms = (value: number): string => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const row = (result: ModeResult): string[] => [
  result.label,
  ms(quantile(result.latencies, 0.5)),
  ms(quantile(result.latencies, 0.95)),
  ms(result.latencies[result.latencies.length - 1] ?? NaN),
];
const table: Table = {
  headers: ['mode', 'p50', 'p95', 'max'],
  rows: [row(longPoll), row(polling)],
  align: 'lrrr',
};
console.log(renderText(table));
const ratio = (q: number): string => (quantile(polling.latencies, q) / quantile(longPoll.latencies, q)).toFixed(0);
console.log(`\nratios (polling / long-poll): p50 ×${ratio(0.5)}, p95 ×${ratio(0.95)}`);
const p50 = quantile(longPoll.latencies, 0.5);
console.log(`target p50 ≤ 100 ms with long-poll: ${p50 <= 100 ? 'met' : 'NOT met'} (${ms(p50)})`);
console.log(`\n${renderMarkdown(table)}`);
console.log(`\nrun took ${((performance.now() - started) / 1000).toFixed(0)} s`);
