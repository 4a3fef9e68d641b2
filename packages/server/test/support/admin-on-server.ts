/**
 * Runs a `devicelogin-admin` command line in-process (`runAdmin`: parsing, the error boundary,
 * the command) against a running test server's own store and clock, as an operator's
 * `devicelogin-admin` does against the server's database.
 */
import { Readable } from 'node:stream';
import { runAdmin } from '../../src/admin/cli.js';
import type { Store } from '../../src/store/store.js';
import type { TestServer } from './test-server.js';

/** What one admin command line produced. */
export interface AdminRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `argv` (e.g. `['approvals', 'revoke', '--code', 'BCDF-GHJK']`) on the server's store. */
export async function adminOnServer(s: TestServer, argv: readonly string[]): Promise<AdminRun> {
  let stdout = '';
  let stderr = '';
  // The command closes its store when done: the server keeps using this one. No migration "ran".
  const store: Store & { migrationsApplied: readonly number[] } = {
    ...s.context.store,
    migrationsApplied: [],
    close: () => Promise.resolve(),
  };
  const code = await runAdmin([...argv, '--tenants', s.context.config.tenants.join(' ')], {
    stdin: Readable.from([]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    readFile: () => Promise.reject(new Error('no config file in tests')),
    clock: s.clock,
    openStore: () => store,
  });
  return { code, stdout, stderr };
}
