import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './messages.js';
import type { PeerId } from './peers/index.js';
import type { Footprint, PeerSettings } from './peers/peer.js';

const CHILD = fileURLToPath(new URL('./server-child.js', import.meta.url));

/** One peer's server running in its own `node` process, driven over IPC. */
export class ServerChild {
  readonly #process: ChildProcess;
  #exited: Error | undefined;
  #pending: ((reply: ChildReply | Error) => void) | undefined;

  private constructor(child: ChildProcess) {
    this.#process = child;
    child.on('message', (message: ChildReply) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.(message);
    });
    child.on('exit', (code, signal) => {
      this.#exited = new Error(`server child exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.(this.#exited);
    });
  }

  /**
   * Forks the child and starts the peer in it.
   * @returns the child and the origin it listens on.
   */
  static async start(peer: PeerId, settings: PeerSettings): Promise<{ child: ServerChild; origin: string }> {
    const execArgv = ['--expose-gc'];
    const child = new ServerChild(fork(CHILD, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    try {
      const ready = await child.#ask({ type: 'start', peer, settings }, 'ready', 60_000);
      return { child, origin: ready.origin };
    } catch (error) {
      child.#process.kill();
      throw error;
    }
  }

  /** Creates `count` pending codes through the peer's store or model API; resolves to the ms it took. */
  async fill(count: number, clientId: string, timeoutMs: number): Promise<number> {
    return (await this.#ask({ type: 'fill', count, clientId }, 'filled', timeoutMs)).ms;
  }

  /** {@link fill}, resolving to the device codes created (in order) and the ms it took. */
  async fillReturningCodes(
    count: number,
    clientId: string,
    timeoutMs: number,
  ): Promise<{ deviceCodes: readonly string[]; ms: number }> {
    const { deviceCodes, ms } = await this.#ask(
      { type: 'fill', count, clientId, returnCodes: true },
      'filled',
      timeoutMs,
    );
    if (deviceCodes?.length !== count)
      throw new Error(`server child: ${deviceCodes?.length ?? 0} codes back, not ${count}`);
    return { deviceCodes, ms };
  }

  /**
   * Polls every filled code once in the child; resolves to the answers (null when the peer keeps
   * no polling state) and the ms it took.
   */
  async pollEach(timeoutMs: number): Promise<{ answers: Readonly<Record<string, number>> | null; ms: number }> {
    const { answers, ms } = await this.#ask({ type: 'poll-each' }, 'polled', timeoutMs);
    return { answers, ms };
  }

  /** RSS, heap and store files of the child, after a full GC. */
  async footprint(): Promise<Footprint> {
    return (await this.#ask({ type: 'footprint' }, 'footprint', 30_000)).footprint;
  }

  /** CPU time (user + system) the child has used so far, µs. */
  async cpuMicros(): Promise<number> {
    const { userUs, systemUs } = await this.#ask({ type: 'cpu' }, 'cpu', 10_000);
    return userUs + systemUs;
  }

  /** Starts the V8 CPU profiler in the child (node:inspector, what `--cpu-prof` uses). */
  async startProfile(): Promise<void> {
    await this.#ask({ type: 'profile-start' }, 'profiling', 10_000);
  }

  /** Stops the profiler and writes the `.cpuprofile` to `path`. */
  async stopProfile(path: string): Promise<void> {
    await this.#ask({ type: 'profile-stop', path }, 'profiled', 60_000);
  }

  /** Closes the server and waits for the process to end (killed after 15 s). */
  async close(): Promise<void> {
    if (this.#exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()));
    try {
      await this.#ask({ type: 'close' }, 'closed', 15_000);
    } catch {
      this.#process.kill();
    }
    const timer = setTimeout(() => this.#process.kill(), 15_000);
    await exited;
    clearTimeout(timer);
  }

  #ask<T extends ChildReply['type']>(
    request: ChildRequest,
    expected: T,
    timeoutMs: number,
  ): Promise<Extract<ChildReply, { type: T }>> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    if (this.#pending !== undefined) return Promise.reject(new Error('one request at a time'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(new Error(`server child: no answer to ${request.type} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#pending = (reply) => {
        clearTimeout(timer);
        if (reply instanceof Error) reject(reply);
        else if (reply.type === 'error') reject(new Error(`server child: ${reply.message}`));
        else if (reply.type !== expected) reject(new Error(`server child: expected ${expected}, got ${reply.type}`));
        else resolve(reply as Extract<ChildReply, { type: T }>);
      };
      this.#process.send(request);
    });
  }
}
