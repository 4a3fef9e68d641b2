import type { StartupPeer } from './peer.js';

/** Imports nothing: node's own start plus the harness's two small files. */
export const peer: StartupPeer = {
  name: 'baseline (node, nothing imported)',
  work: 'starts node and loads the harness entry only',
  start: () => Promise.resolve(undefined),
};
