import { writeSync } from 'node:fs';

/** A stream the CLI writes to: only `write` is needed (process.stdout/stderr fit). */
export interface OutputStream {
  write(text: string): unknown;
}

/**
 * The terminal as the CLI sees it (cli/cli's `iostreams`): data goes to `stdout`, conversation
 * to `stderr`. Tests pass a {@link CapturingIO}-like object; only `processIO` touches globals.
 */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Reads all of standard input as text (git's credential protocol, `-d @-`). */
  readStdin(): Promise<string>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Width of the terminal on stderr, when it is one. */
  readonly columns: number | undefined;
}

/** Reads a whole readable stream as UTF-8 text. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Writes straight to a file descriptor with `fs.writeSync`, falling back to the stream when the
 * descriptor is non-blocking and full (EAGAIN). Why: touching `process.stdout` loads Node's whole
 * stream machinery (~9 ms, bench/cli-startup) — the biggest part of `devicelogin token`'s start-up
 * after Node itself — and the CLI writes a few lines at most.
 */
function descriptorWriter(fd: 1 | 2, stream: () => NodeJS.WriteStream): OutputStream {
  return {
    write(text: string): unknown {
      try {
        const bytes = Buffer.from(text, 'utf8');
        let written = 0;
        while (written < bytes.length) written += writeSync(fd, bytes, written);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        return stream().write(text);
      }
    },
  };
}

/**
 * The real process's streams. `process.stdout`/`stderr` are only touched when a command asks
 * whether they are terminals (their getters below) or a write would block.
 */
export function processIO(): CliIO {
  return {
    stdout: descriptorWriter(1, () => process.stdout),
    stderr: descriptorWriter(2, () => process.stderr),
    readStdin: () => readAll(process.stdin),
    get stdoutIsTTY() {
      return process.stdout.isTTY === true;
    },
    get stderrIsTTY() {
      return process.stderr.isTTY === true;
    },
    get columns() {
      return process.stderr.isTTY === true ? process.stderr.columns : undefined;
    },
  };
}
