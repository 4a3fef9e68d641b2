/**
 * Runs `devicelogin-admin` in-process through `runAdmin` with injected streams, a fake clock and
 * a real SQLite file in a fresh temporary directory.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fakeClock, tempDir, type FakeClock } from '@devicelogin/test-utils';
import type { ServerConfig } from '../../src/config/defaults.js';
import { resolveServerConfig } from '../../src/config/defaults.js';
import { runAdmin } from '../../src/admin/cli.js';
import { createOutput, type AdminStdin, type CommandContext } from '../../src/admin/command.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/** What one command line produced. */
export interface AdminResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A sink that keeps what is written. */
export interface Collected {
  write(text: string): boolean;
  readonly text: () => string;
}

/** Collects writes. */
export function collect(): Collected {
  let text = '';
  return {
    write(chunk) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

/** A terminal-like stdin: `isTTY`, `setRawMode` recorded; the test types into it. */
export function fakeTty(): PassThrough & AdminStdin & { rawModes: boolean[] } {
  const stream = new PassThrough();
  const rawModes: boolean[] = [];
  return Object.assign(stream, {
    isTTY: true,
    rawModes,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
      return stream;
    },
  });
}

/** A temp dir with a database path, an admin runner and a way to open the store. */
export interface AdminFixture {
  readonly dir: string;
  readonly sqlitePath: string;
  readonly clock: FakeClock;
  /** Runs a command line with `--sqlite-path` of the fixture's database appended (unless `sqlitePath: false`). */
  run(
    argv: readonly string[],
    options?: { stdin?: string | AdminStdin; env?: Record<string, string>; sqlitePath?: false },
  ): Promise<AdminResult>;
  /** Opens the database (closed by cleanup). */
  open(): SqliteStore;
  /** A context for calling a command's `run` directly. */
  context(options?: { stdin?: AdminStdin; json?: boolean; config?: Partial<ServerConfig> }): {
    context: CommandContext;
    stdout: Collected;
    stderr: Collected;
  };
  cleanup(): Promise<void>;
}

/** Creates the fixture. */
export async function adminFixture(): Promise<AdminFixture> {
  const dir = await tempDir('devicelogin-admin-');
  const sqlitePath = join(dir.path, 'devicelogin.sqlite');
  const clock = fakeClock(Date.UTC(2026, 0, 1));
  const opened: SqliteStore[] = [];
  const open = (): SqliteStore => {
    const store = openSqliteStore({ path: sqlitePath });
    opened.push(store);
    return store;
  };
  return {
    dir: dir.path,
    sqlitePath,
    clock,
    async run(argv, options = {}) {
      const stdout = collect();
      const stderr = collect();
      const input = options.stdin ?? '';
      const args = options.sqlitePath === false ? argv : [...argv, '--sqlite-path', sqlitePath];
      const code = await runAdmin(args, {
        stdin: typeof input === 'string' ? Readable.from(input === '' ? [] : [input]) : input,
        stdout,
        stderr,
        env: options.env ?? {},
        readFile: (path) => readFile(path, 'utf8'),
        clock,
        openStore: (path) => openSqliteStore({ path }),
        sqliteFileExists: existsSync,
      });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    },
    open,
    context(options = {}) {
      const stdout = collect();
      const stderr = collect();
      const context: CommandContext = {
        config: resolveServerConfig({ publicUrl: 'http://127.0.0.1', sqlitePath, ...options.config }),
        store: open(),
        stdin: options.stdin ?? Readable.from([]),
        stderr,
        clock,
        out: createOutput(stdout, stderr, options.json ?? false),
      };
      return { context, stdout, stderr };
    },
    async cleanup() {
      for (const store of opened) await store.close();
      await dir.remove();
    },
  };
}
