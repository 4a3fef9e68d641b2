/**
 * Text from elsewhere (a server's error, a provider's message) made safe to print on a terminal:
 * control characters other than line feeds and tabs become `?`, so no escape sequence a server
 * sends can move the cursor, rewrite what was printed or change the terminal's title.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what is replaced
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
