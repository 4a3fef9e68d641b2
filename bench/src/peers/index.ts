import type { StartupPeer } from './peer.js';

/** The peers, in table order. Ours is the reference for ratios; the baseline is subtracted. */
export const PEER_IDS = ['baseline', 'devicelogin', 'msal-node', 'openid-client'] as const;

/** Identifier of one peer: the name of its file in `peers/`. */
export type PeerId = (typeof PEER_IDS)[number];

/** The peer the others are compared with. */
export const OURS: PeerId = 'devicelogin';

/** The peer whose time is subtracted to get what a package adds to a bare start. */
export const BASELINE: PeerId = 'baseline';

/** True when `value` names a peer. */
export function isPeerId(value: string | undefined): value is PeerId {
  return (PEER_IDS as readonly (string | undefined)[]).includes(value);
}

/**
 * Loads one peer's adapter. Adapters import their package lazily inside `start`, so loading
 * one costs the same small amount for every peer, baseline included.
 */
export async function loadPeer(id: PeerId): Promise<StartupPeer> {
  const adapter = (await import(`./${id}.js`)) as { readonly peer: StartupPeer };
  return adapter.peer;
}
