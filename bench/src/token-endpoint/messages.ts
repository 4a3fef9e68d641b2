import type { PeerId } from './peers/index.js';
import type { Footprint, PeerSettings } from './peers/peer.js';

/** What the harness asks a server child; the child answers each request with one reply. */
export type ChildRequest =
  | { readonly type: 'start'; readonly peer: PeerId; readonly settings: PeerSettings }
  /** `returnCodes`: send the device codes back (the cost-growth benchmark polls them). */
  | { readonly type: 'fill'; readonly count: number; readonly clientId: string; readonly returnCodes?: boolean }
  | { readonly type: 'footprint' }
  /** Polls every filled code once in process (peers that keep per-code polling state). */
  | { readonly type: 'poll-each' }
  /** CPU time the child used so far (`process.cpuUsage()`). */
  | { readonly type: 'cpu' }
  /** Starts the V8 CPU profiler in the child. */
  | { readonly type: 'profile-start' }
  /** Stops it and writes the profile (`.cpuprofile`, Chrome DevTools format) to `path`. */
  | { readonly type: 'profile-stop'; readonly path: string }
  | { readonly type: 'close' };

/** What a server child answers. */
export type ChildReply =
  | { readonly type: 'ready'; readonly origin: string }
  | { readonly type: 'filled'; readonly ms: number; readonly deviceCodes?: readonly string[] }
  /** `answers` is null when the peer keeps no polling state (nothing was polled). */
  | { readonly type: 'polled'; readonly ms: number; readonly answers: Readonly<Record<string, number>> | null }
  | { readonly type: 'footprint'; readonly footprint: Footprint }
  | { readonly type: 'cpu'; readonly userUs: number; readonly systemUs: number }
  | { readonly type: 'profiling' }
  | { readonly type: 'profiled'; readonly path: string }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly message: string };
