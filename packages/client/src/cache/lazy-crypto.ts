import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

type NodeCrypto = typeof Crypto;

let loaded: NodeCrypto | undefined;

/**
 * `node:crypto`, loaded on first use. A cache hit (the CLI's `devicelogin token`) needs none of
 * it, and importing it eagerly cost ~9 ms of every process start (bench/cli-startup).
 */
export function nodeCrypto(): NodeCrypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto;
  return loaded;
}
