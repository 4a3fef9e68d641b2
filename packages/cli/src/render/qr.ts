/**
 * A QR code of `url` for the terminal (`qrcode`'s renderers, imported only when a code is
 * drawn): half-block characters with ANSI colours when colour is allowed, plain UTF-8 blocks
 * otherwise.
 */
export async function renderQr(url: string, colour: boolean): Promise<string> {
  const { default: qrcode } = await import('qrcode');
  return colour
    ? qrcode.toString(url, { type: 'terminal', small: true })
    : qrcode.toString(url, { type: 'utf8', margin: 2 });
}
