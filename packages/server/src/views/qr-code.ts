/**
 * A QR code as inline SVG built with the `html` template from the modules `qrcode` computes
 * (`QRCode.create`), rather than pasting `QRCode.toString(…, { type: 'svg' })`: views never embed
 * markup from a string (html.ts has no raw escape hatch, on purpose), and the same drawing comes
 * out. Colours are SVG presentation attributes (`fill`, `stroke`), which the pages' CSP
 * (`style-src 'self'`) does not govern; the size is set by the stylesheet (`.qr`).
 */
import QRCode from 'qrcode';
import { html, type SafeHtml } from './html.js';

/** Quiet zone around the symbol, in modules (the QR specification asks for 4). */
const MARGIN = 4;

/**
 * The path of the dark modules: one horizontal stroke per run of dark modules in a row (the
 * same drawing as qrcode's own SVG renderer: `M x y` then `h length`).
 */
function darkModulesPath(size: number, dark: (row: number, col: number) => boolean): string {
  const parts: string[] = [];
  for (let row = 0; row < size; row += 1) {
    let col = 0;
    while (col < size) {
      if (!dark(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < size && dark(row, col)) col += 1;
      parts.push(`M${start + MARGIN} ${row + MARGIN + 0.5}h${col - start}`);
    }
  }
  return parts.join('');
}

/**
 * `text` as an accessible SVG image (`role="img"` named by `label`).
 * @throws Error from `qrcode` when the text is too long for any QR version.
 */
export function qrCodeSvg(text: string, label: string): SafeHtml {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const full = size + 2 * MARGIN;
  const path = darkModulesPath(size, (row, col) => modules.get(row, col) !== 0);
  return html`<svg
    xmlns="http://www.w3.org/2000/svg"
    class="qr"
    viewBox="0 0 ${full} ${full}"
    shape-rendering="crispEdges"
    role="img"
    aria-label="${label}"
  >
    <path fill="#ffffff" d="M0 0h${full}v${full}H0z" />
    <path stroke="#000000" d="${path}" />
  </svg>`;
}
