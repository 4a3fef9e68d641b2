import { html, type SafeHtml } from './html.js';

/**
 * Groups of characters shown joined by `separator` and read out one character at a time with a
 * pause between groups: sighted users see `WDJB-MJHT`, screen readers hear "W D J B, M J H T"
 * instead of trying to pronounce a word. For user codes, TOTP keys and recovery codes.
 */
export function spokenGroups(groups: readonly string[], separator: string): SafeHtml {
  return html`<span aria-hidden="true">${groups.join(separator)}</span
    ><span class="sr-only">${groups.map((group) => [...group].join(' ')).join(', ')}</span>`;
}
