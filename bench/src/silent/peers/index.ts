import type { SilentPeerFactory } from './peer.js';
import { createPeer as devicelogin } from './devicelogin.js';
import { createPeer as msalNode } from './msal-node.js';

/** The peers, in table order. Ours comes first and is the reference for ratios. */
export const PEER_IDS = ['devicelogin', 'msal-node'] as const;

/** Identifier of one peer: the name of its file in `peers/`. */
export type PeerId = (typeof PEER_IDS)[number];

/** The peer the others are compared with. */
export const OURS: PeerId = 'devicelogin';

/** Factory of each peer's adapter. */
export const PEERS: Readonly<Record<PeerId, SilentPeerFactory>> = { devicelogin, 'msal-node': msalNode };
