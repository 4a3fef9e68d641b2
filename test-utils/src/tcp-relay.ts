import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP relay on 127.0.0.1 that a test can cut (an outage) and restore, on the same port. */
export interface TcpRelay {
  /** The port it listens on (kept across {@link cut} and {@link restore}). */
  readonly port: number;
  /** Destroys every relayed connection and stops listening: new connections are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Relays connections on a new 127.0.0.1 port to `targetPort` on 127.0.0.1 (a database, for
 * outage tests that must not stop the real server).
 */
export async function startTcpRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    const upstream = connect(targetPort, targetHost);
    for (const [a, b] of [
      [socket, upstream],
      [upstream, socket],
    ] as const) {
      open.add(a);
      a.on('close', () => {
        open.delete(a);
        b.destroy();
      });
      a.on('error', () => b.destroy());
      a.pipe(b);
    }
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const socket of open) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return { port, cut: stop, restore: () => listen(port), close: stop };
}
