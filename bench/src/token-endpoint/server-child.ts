/**
 * A server child of the token-endpoint benchmark: starts one peer on 127.0.0.1:0 in this process
 * (so the load generator never shares the server's event loop) and answers the harness's
 * requests over the IPC channel, one at a time. Exits when closed or when the harness goes away.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { ChildReply, ChildRequest } from './messages.js';
import { loadPeer } from './peers/index.js';
import type { Footprint, RunningServer } from './peers/peer.js';

let server: RunningServer | undefined;
let profiler: Session | undefined;

function reply(message: ChildReply): void {
  process.send?.(message);
}

async function footprint(): Promise<Footprint> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, files: server === undefined ? {} : await server.files() };
}

async function handle(request: ChildRequest): Promise<ChildReply> {
  switch (request.type) {
    case 'start': {
      if (server !== undefined) throw new Error('already started');
      const peer = await loadPeer(request.peer);
      server = await peer.start(request.settings);
      return { type: 'ready', origin: server.origin };
    }
    case 'fill': {
      if (server === undefined) throw new Error('not started');
      const started = performance.now();
      const deviceCodes = await server.fill(request.count, request.clientId);
      const ms = performance.now() - started;
      return request.returnCodes === true ? { type: 'filled', ms, deviceCodes } : { type: 'filled', ms };
    }
    case 'poll-each': {
      if (server === undefined) throw new Error('not started');
      const started = performance.now();
      const answers = server.pollEach === undefined ? null : await server.pollEach();
      return { type: 'polled', ms: performance.now() - started, answers };
    }
    case 'footprint':
      return { type: 'footprint', footprint: await footprint() };
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { type: 'cpu', userUs: user, systemUs: system };
    }
    case 'profile-start':
      if (profiler !== undefined) throw new Error('already profiling');
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return { type: 'profiling' };
    case 'profile-stop': {
      if (profiler === undefined) throw new Error('not profiling');
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      await writeFile(request.path, JSON.stringify(profile));
      return { type: 'profiled', path: request.path };
    }
    case 'close':
      await server?.close();
      server = undefined;
      return { type: 'closed' };
  }
}

process.on('message', (message: ChildRequest) => {
  handle(message).then(
    (answer) => {
      reply(answer);
      if (answer.type === 'closed') process.disconnect();
    },
    (error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
// The harness died or disconnected: nothing else will close this server.
process.on('disconnect', () => {
  void (server?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
