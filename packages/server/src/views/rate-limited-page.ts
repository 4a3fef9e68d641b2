import type { Page } from './page.js';
import { problemPage } from './problem-page.js';

/** The 429 page: says when to try again, and nothing about the code or account tried. */
export function rateLimitedPage(retryAt: number, now: number): Page {
  return problemPage((t) => ({ title: t.rateLimited.title, text: t.rateLimited.text(retryAt, now) }));
}
