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

/** The real process's streams. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readAll(process.stdin),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.isTTY === true ? process.stderr.columns : undefined,
  };
}
