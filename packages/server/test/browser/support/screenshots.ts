/**
 * Screenshots of the pages as test artifacts, in the repository's git-ignored `artifacts/`
 * folder: `artifacts/screenshots/<name>-phone.png` and `<name>-desktop.png`.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE } from './suite.js';

/** `artifacts/screenshots/` at the repository root. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../../../artifacts/screenshots/', import.meta.url));

/**
 * Saves a full-page screenshot of the page at phone size and, unless `sizes` says `phone` only,
 * one at desktop size, then restores the page's viewport. Screenshots are taken as the page is:
 * the caller decides what is focused or filled.
 * @returns the files written.
 */
export async function screenshot(page: Page, name: string, sizes: 'phone' | 'both' = 'both'): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  const all = [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const;
  for (const [label, size] of sizes === 'both' ? all : all.slice(0, 1)) {
    await page.setViewportSize(size);
    const path = `${SCREENSHOT_DIR}${name}-${label}.png`;
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
    files.push(path);
  }
  if (before !== null) await page.setViewportSize(before);
  return files;
}
