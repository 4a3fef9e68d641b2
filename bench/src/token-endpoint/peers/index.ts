import type { TokenPeer } from './peer.js';

/** The peers, in table order. */
export const PEER_IDS = ['baseline', 'oidc-provider', 'devicelogin', 'devicelogin-postgres'] as const;

/** Identifier of one peer: the name of its file in `peers/`. */
export type PeerId = (typeof PEER_IDS)[number];

/** True when `value` names a peer. */
export function isPeerId(value: unknown): value is PeerId {
  return (PEER_IDS as readonly unknown[]).includes(value);
}

/**
 * Loads one peer's adapter. Adapters import their server package lazily inside `start`, so the
 * load generator's process never loads a server.
 */
export async function loadPeer(id: PeerId): Promise<TokenPeer> {
  const adapter = (await import(`./${id}.js`)) as { readonly peer: TokenPeer };
  return adapter.peer;
}
