/**
 * What every verification page must be (issue 6, "Measure"), checked on the page as the browser
 * shows it now:
 * - accessible: axe-core finds no serious or critical violation (minor and moderate ones are
 *   printed);
 * - light: the document, its redirects and every subresource weigh < 30 KB in total;
 * - no JavaScript: no script element, nothing loaded but documents and the stylesheet;
 * - a language switcher whose links lead to pages;
 * and saves its screenshots (artifacts/screenshots/) to be checked by eye.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { checkA11y, formatViolations } from './axe.js';
import type { WeightRecorder } from './page-weight.js';
import { screenshot } from './screenshots.js';
import { expectSwitcherLeadsToPages } from './switcher.js';

/** Issue 6: each page under 30 KB in total. */
export const MAX_PAGE_BYTES = 30 * 1024;

/**
 * Runs every check on the page shown now; `weights` must have watched the page since it was
 * opened. `status`: the page's own HTTP status (a 404 page's switcher leads to 404s too).
 */
export async function expectGoodPage(
  page: Page,
  name: string,
  weights: WeightRecorder,
  screenshots: 'phone' | 'both' = 'phone',
  status = 200,
): Promise<void> {
  const weight = await weights.weigh();
  const transfers = weight.transfers.map((t) => `${t.resourceType} ${t.status} ${t.url} ${t.bytes} B`).join('\n');
  console.info(`${name}: ${weight.totalBytes} B\n${transfers}`);
  expect(weight.totalBytes, transfers).toBeLessThan(MAX_PAGE_BYTES);
  expect(
    weight.transfers.map((t) => t.resourceType),
    transfers,
  ).toContain('stylesheet');
  expect(
    weight.transfers.filter((t) => t.resourceType !== 'document' && t.resourceType !== 'stylesheet'),
    transfers,
  ).toEqual([]);
  expect(await page.locator('script').count()).toBe(0);

  await expectSwitcherLeadsToPages(page, status);

  const report = await checkA11y(page, name);
  if (report.violations.length > 0) console.info(`axe on ${name}:\n${formatViolations(report.violations)}`);
  await screenshot(page, name, screenshots);
}
