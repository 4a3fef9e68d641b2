/**
 * The user code for display on a terminal: as sent when it already has a separator
 * (`BCDF-GHJK`), else in groups of 4 separated by spaces when it is 8 characters or longer
 * (Entra's `F7A9KZ2QX` → `F7A9 KZ2Q X`). Non-TTY output and JSON keep the code as sent.
 */
export function groupUserCode(code: string): string {
  if (/[-\s]/.test(code) || code.length < 8) return code;
  return code.match(/.{1,4}/g)?.join(' ') ?? code;
}
