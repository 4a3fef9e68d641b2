import type { CliIO } from '../../src/io.js';

/** A {@link CliIO} that records what commands write, for assertions. */
export interface TestIO extends CliIO {
  stdoutText(): string;
  stderrText(): string;
  /** Resolves with the first match of `pattern` in stderr, as soon as it is written. */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** Options of {@link testIO}. */
export interface TestIOOptions {
  readonly tty?: boolean;
  readonly stdin?: string;
}

/** Captures stdout and stderr; `tty` makes both look like terminals. */
export function testIO(options: TestIOOptions = {}): TestIO {
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match !== null) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => {
        stderr += text;
        check();
        return true;
      },
    },
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
    columns: options.tty === true ? 100 : undefined,
    stdoutText: () => stdout,
    stderrText: () => stderr,
    waitForStderr: (pattern) =>
      new Promise((resolve) => {
        waiters.push({ pattern, resolve });
        check();
      }),
  };
}
