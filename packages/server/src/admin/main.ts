#!/usr/bin/env node
/**
 * The `devicelogin-admin` executable: the process's streams, environment, file system, clock and
 * the configured store (store/open.ts), handed to `runAdmin` (cli.ts), whose result is the exit code.
 * `devicelogin-admin --help` lists the commands; docs/server.md documents them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { systemClock } from '@devicelogin/protocol';
import { openConfiguredStore } from '../store/open.js';
import { runAdmin } from './cli.js';

process.exitCode = await runAdmin(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  readFile: (path) => readFile(path, 'utf8'),
  clock: systemClock,
  openStore: (_sqlitePath, config) => openConfiguredStore(config),
  sqliteFileExists: existsSync,
});
