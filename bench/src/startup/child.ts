/**
 * Entry of each measured process: `node child.js <peer id>`. It imports the peer's package
 * and constructs its client, then lets the process end on its own, as a CLI would.
 */
import { isPeerId, loadPeer } from '../peers/index.js';

const id = process.argv[2];
if (!isPeerId(id)) throw new Error(`unknown peer: ${String(id)}`);
await (await loadPeer(id)).start();
