import type { CliClock } from '../context.js';
import type { OutputStream } from '../io.js';
import type { Style } from './style.js';

/** `m:ss` (or `h:mm:ss`) of a positive number of milliseconds, rounded up to the second. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * Shows time left before the code expires. On a TTY: one line rewritten every second until
 * `signal` aborts (then erased). Otherwise: one plain line. Resolves when done; never rejects.
 */
export async function runCountdown(options: {
  readonly stream: OutputStream;
  readonly isTTY: boolean;
  readonly clock: CliClock;
  readonly expiresAt: Date;
  readonly style: Style;
  readonly signal: AbortSignal;
}): Promise<void> {
  const { stream, clock, expiresAt, style, signal } = options;
  if (!options.isTTY) {
    const left = expiresAt.getTime() - clock.now();
    stream.write(
      `Waiting for the sign-in; the code expires in ${formatRemaining(left)} (at ${expiresAt.toISOString()}).\n`,
    );
    return;
  }
  while (!signal.aborted) {
    const left = expiresAt.getTime() - clock.now();
    if (left <= 0) break;
    stream.write(`\r\u001b[2K${style.dim(`Waiting for you to sign in… code expires in ${formatRemaining(left)}`)}`);
    try {
      await clock.sleep(left % 1000 || 1000, signal); // wake at each whole second left
    } catch {
      break;
    }
  }
  stream.write('\r\u001b[2K');
}
