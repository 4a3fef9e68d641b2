import { setMaxListeners } from 'node:events';
import { Agent, request } from 'node:http';
import type { TokenPeer } from './peers/peer.js';

/** A pending device code and the client it was issued to. */
export interface IssuedCode {
  readonly deviceCode: string;
  readonly clientId: string;
}

/**
 * Codes issued per loopback source address and per client. Our server allows 30 device codes
 * per IP and 600 per client in a 60 s window (packages/server/src/endpoints/limits.ts): the
 * harness stays under both by spreading requests over 127.x.y.z source addresses and clients
 * instead of switching the limits off.
 */
export const CODES_PER_ADDRESS = 25;
/** See {@link CODES_PER_ADDRESS}. */
export const CODES_PER_CLIENT = 500;

/** The clients a run registers: one per {@link CODES_PER_CLIENT} codes. */
export function clientIdsFor(codes: number): string[] {
  return Array.from({ length: Math.max(1, Math.ceil(codes / CODES_PER_CLIENT)) }, (_, i) => `bench-cli-${i + 1}`);
}

/** The i-th loopback source address, from 127.0.0.2 on (the last octet stays in 2…251). */
function sourceAddress(index: number): string {
  const host = Math.floor(index / 250);
  return `127.${Math.floor(host / 256) % 256}.${host % 256}.${(index % 250) + 2}`;
}

function post(
  agent: Agent,
  url: URL,
  form: Record<string, string>,
  localAddress: string,
  signal: AbortSignal,
): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        localAddress,
        signal,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Issues `count` device codes through the peer's own device authorization endpoint (real HTTP,
 * 16 requests in flight), spread over clients and loopback source addresses.
 * @throws Error on any answer other than 200 with a `device_code`, or after `timeoutMs`.
 */
export async function issueCodes(
  peer: TokenPeer,
  origin: string,
  count: number,
  clientIds: readonly string[],
  timeoutMs: number,
): Promise<IssuedCode[]> {
  const path = peer.deviceAuthorizationPath;
  if (path === undefined) throw new Error(`${peer.name} has no device authorization endpoint`);
  const url = new URL(path, origin);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const signal = AbortSignal.timeout(timeoutMs);
  setMaxListeners(64, signal);
  const codes: IssuedCode[] = new Array<IssuedCode>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      const clientId = clientIds[Math.floor(index / CODES_PER_CLIENT) % clientIds.length] ?? 'bench-cli-1';
      const address = sourceAddress(Math.floor(index / CODES_PER_ADDRESS));
      const { status, body } = await post(agent, url, peer.deviceAuthorizationForm(clientId), address, signal);
      const deviceCode = status === 200 ? (JSON.parse(body) as { device_code?: unknown }).device_code : undefined;
      if (typeof deviceCode !== 'string') {
        throw new Error(`${peer.name}: device authorization answered ${status} ${body.slice(0, 200)}`);
      }
      codes[index] = { deviceCode, clientId };
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    agent.destroy();
  }
  return codes;
}

/** Random strings shaped like device codes, for the baseline (which reads nothing). */
export function fakeCodes(count: number, clientIds: readonly string[]): IssuedCode[] {
  return Array.from({ length: count }, (_, index) => ({
    deviceCode: `fake-${index.toString(36).padStart(38, '0')}`,
    clientId: clientIds[Math.floor(index / CODES_PER_CLIENT) % clientIds.length] ?? 'bench-cli-1',
  }));
}
