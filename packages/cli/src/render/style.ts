/** Text styles for stderr: ANSI only on a terminal, never with `NO_COLOR` (https://no-color.org). */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

function wrap(enabled: boolean, open: string, close: string): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

/**
 * Styles for a stream: enabled when it is a TTY and `NO_COLOR` is unset or empty, and `TERM`
 * is not `dumb`.
 */
export function styleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  const enabled = isTTY && !noColor && env['TERM'] !== 'dumb';
  return {
    enabled,
    bold: wrap(enabled, '1', '22'),
    dim: wrap(enabled, '2', '22'),
    red: wrap(enabled, '31', '39'),
    green: wrap(enabled, '32', '39'),
    yellow: wrap(enabled, '33', '39'),
  };
}
