import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ServerChild } from './child-process.js';
import { loadPeer, type PeerId } from './peers/index.js';
import type { Footprint } from './peers/peer.js';

/** Memory of one server holding many pending codes. */
export interface MemoryResult {
  readonly name: string;
  readonly codes: number;
  /** After start (clients registered, listening, nothing issued). */
  readonly before: Footprint;
  /** After the codes were created. */
  readonly afterFill: Footprint;
  /** After every code was polled once; undefined when polling keeps no state in that peer. */
  readonly afterPolls: Footprint | undefined;
  /** Answers to those polls, by `<status> <error>`. */
  readonly pollAnswers: Readonly<Record<string, number>> | undefined;
  readonly fillMs: number;
  /** How the codes were created and polled. */
  readonly how: string;
}

const HOW: Readonly<Record<PeerId, string>> = {
  baseline: '',
  devicelogin:
    'store.createDeviceCode in the server child, one immediate transaction per code (no HTTP); then each code ' +
    'polled once through the token route with app.inject, so the poll tracker holds an entry per code',
  'devicelogin-postgres':
    'store.createDeviceCode in the server child (PostgreSQL, no HTTP); then each code polled once through the token ' +
    'route with app.inject',
  'oidc-provider':
    'new provider.DeviceCode({…}).save() in the server child, as POST /device/auth does (no HTTP); not polled: ' +
    'its pending path keeps no state (lib/actions/grants/device_code.js throws AuthorizationPending before any save)',
};

/**
 * Starts the peer in a fresh child, measures RSS (after a full GC), creates `codes` pending device
 * codes through its store or model API, measures again, polls each code once where polling keeps
 * state, and measures a last time. Each step has `timeoutMs`.
 * @throws Error when a step takes longer than `timeoutMs`.
 */
export async function measureMemory(
  id: PeerId,
  codes: number,
  workRoot: string,
  oidcStore: 'raised' | 'stock',
  timeoutMs: number,
): Promise<MemoryResult> {
  const peer = await loadPeer(id);
  const directory = join(workRoot, `memory-${id}`);
  await mkdir(directory, { recursive: true });
  const clientId = 'bench-cli-1';
  const { child } = await ServerChild.start(id, {
    clientIds: [clientId],
    pollIntervalSeconds: 5,
    directory,
    oidcStore,
  });
  try {
    const before = await child.footprint();
    const fillMs = await child.fill(codes, clientId, timeoutMs);
    const afterFill = await child.footprint();
    const { answers } = await child.pollEach(timeoutMs);
    const afterPolls = answers === null ? undefined : await child.footprint();
    return {
      name: peer.name,
      codes,
      before,
      afterFill,
      afterPolls,
      pollAnswers: answers ?? undefined,
      fillMs,
      how: HOW[id],
    };
  } finally {
    await child.close();
  }
}
