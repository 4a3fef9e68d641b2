/**
 * Cost growth of the pending-poll path (POST token, device code grant, code not approved): req/s
 * and RSS of ours with 1,000, 10,000 and 100,000 pending codes, on SQLite and on PostgreSQL (the
 * target is flat); then one PostgreSQL database served by one instance (direct, and behind
 * HAProxy) against two instances behind HAProxy. Same load tool and settings as the
 * token-endpoint benchmark (autocannon 9, 10 connections, each connection walking its own lane of
 * the codes); each server in its own child process; codes created through the store API.
 *
 *   npm run bench:growth                                   (builds first)
 *   node bench/dist/cost-growth.bench.js --duration 3 --sizes 1000,10000
 *   node bench/dist/cost-growth.bench.js --no-postgres --cluster-codes 0
 * Needs PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES_URL) and /usr/sbin/haproxy unless skipped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  measureGrowth,
  measureInstances,
  type GrowthRow,
  type InstancesRow,
  type StorePeer,
} from './cost-growth/cells.js';
import { readGrowthOptions } from './cost-growth/options.js';
import { flatness, growthTable, instancesTable, storeName } from './cost-growth/report.js';
import { count, renderMarkdown, renderText } from './silent/table.js';

const options = readGrowthOptions();
const started = performance.now();
const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const load = { connections: options.connections, durationSeconds: options.durationSeconds };
const machine = `node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}`;
const loadBefore = loadavg()[0] ?? 0;

console.log(
  `pending-poll cost growth: autocannon 9.0.0, ${options.connections} connections, ${options.durationSeconds} s per cell ` +
    `(+1 s warm-up), pending codes ${options.sizes.map(count).join(' / ')}; ${machine}; load average before: ${loadBefore.toFixed(2)}\n`,
);

const stores: StorePeer[] = options.postgres ? ['devicelogin', 'devicelogin-postgres'] : ['devicelogin'];
const workRoot = await mkdtemp(join(tmpdir(), 'devicelogin-bench-growth-'));
const growth: GrowthRow[] = [];
const instances: InstancesRow[] = [];
try {
  for (const peer of stores) {
    for (const size of options.sizes) {
      progress(`${storeName(peer)}, ${count(size)} pending codes…`);
      const row = await measureGrowth(peer, size, load, workRoot);
      progress(
        `  filled in ${(row.fillMs / 1000).toFixed(1)} s, ${count(Math.round(row.load.requestsPerSecond.mean))} req/s`,
      );
      growth.push(row);
    }
  }
  if (options.postgres && options.clusterCodes > 0) {
    progress(`one vs two instances on PostgreSQL, ${count(options.clusterCodes)} pending codes…`);
    instances.push(...(await measureInstances(options.clusterCodes, load, workRoot)));
  }
} finally {
  await rm(workRoot, { recursive: true, force: true });
}

console.log('Requests per second and RSS by pending codes (RSS after a full GC)\n');
console.log(renderText(growthTable(growth)));
console.log('\nFlatness (target: req/s and RSS do not grow with the pending codes):');
for (const line of flatness(growth)) console.log(line);
if (instances.length > 0) {
  console.log(`\nOne vs two instances, PostgreSQL, ${count(options.clusterCodes)} pending codes\n`);
  console.log(renderText(instancesTable(instances)));
  console.log(
    '  Everything shares the machine: autocannon, HAProxy, the instances and PostgreSQL. On 2 cores a second',
  );
  console.log('  instance adds no CPU, so this shows the cost of the balancer hop and of sharing, not scale-out.');
}
console.log(
  `\nTook ${((performance.now() - started) / 1000).toFixed(1)} s. Loopback only. Load average after: ${(loadavg()[0] ?? 0).toFixed(2)}.`,
);
console.log('\nMarkdown (docs/performance.md):\n');
console.log(renderMarkdown(growthTable(growth)));
if (instances.length > 0) {
  console.log('');
  console.log(renderMarkdown(instancesTable(instances)));
}
