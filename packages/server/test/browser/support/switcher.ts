/**
 * The language switcher must lead somewhere: each of its links, followed with this page's cookies
 * in a context of its own (so the page under test keeps its language and session), answers an
 * HTML page — never the API's JSON 404 that a POST-only path would give (`/device/mfa/enrol?lang=`
 * was one).
 */
import { expect } from 'vitest';
import { request, type Page } from 'playwright-core';

/** The part of a link element this reads (lib "dom" is not in this project). */
interface Anchor {
  getAttribute(name: string): string | null;
}

/** Follows every switcher link of `page`; `ownStatus` 404 (the not-found page) may lead to 404s. */
export async function expectSwitcherLeadsToPages(page: Page, ownStatus: number): Promise<void> {
  const hrefs: (string | null)[] = await page
    .locator('footer nav a')
    .evaluateAll((anchors) => (anchors as unknown as readonly Anchor[]).map((a) => a.getAttribute('href')));
  const links = hrefs.map((href) => new URL(href ?? '', page.url()).toString());
  if (links.length === 0) return;
  const context = await request.newContext({ storageState: await page.context().storageState() });
  try {
    for (const link of links) {
      const response = await context.get(link, { maxRedirects: 5 });
      expect(response.headers()['content-type'], link).toMatch(/^text\/html/);
      if (ownStatus !== 404) expect(response.status(), link).not.toBe(404);
    }
  } finally {
    await context.dispose();
  }
}
