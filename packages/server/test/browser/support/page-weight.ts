/**
 * What a page costs the browser: every response from the navigation that led to it (redirects
 * included) to its load, measured by Chromium (headers and bodies as transferred).
 */
import type { Page, Request } from 'playwright-core';

/** One response a page load needed. */
export interface Transfer {
  readonly url: string;
  readonly status: number;
  /** `document`, `stylesheet`, `script`, … */
  readonly resourceType: string;
  /** Response headers plus body, in bytes, as transferred. */
  readonly bytes: number;
}

/** The weight of one page. */
export interface PageWeight {
  readonly transfers: readonly Transfer[];
  readonly totalBytes: number;
}

/**
 * Records the page's requests from the start of every top-level navigation (a click, a `goto`;
 * the redirects that follow belong to it) until the next one; `weigh()` sizes the current page's.
 */
export class WeightRecorder {
  #requests: Request[] = [];

  constructor(page: Page) {
    page.on('request', (request) => {
      const starts =
        request.isNavigationRequest() && request.frame() === page.mainFrame() && request.redirectedFrom() === null;
      if (starts) this.#requests = [];
      this.#requests.push(request);
    });
  }

  /** The weight of the page shown now (call it once the page has loaded). */
  async weigh(): Promise<PageWeight> {
    const transfers = await Promise.all(
      this.#requests.map(async (request): Promise<Transfer> => {
        const response = await request.response();
        const sizes = await request.sizes();
        return {
          url: request.url(),
          status: response?.status() ?? 0,
          resourceType: request.resourceType(),
          bytes: sizes.responseHeadersSize + sizes.responseBodySize,
        };
      }),
    );
    return { transfers, totalBytes: transfers.reduce((sum, t) => sum + t.bytes, 0) };
  }
}
