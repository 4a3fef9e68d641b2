import type { Page } from './page.js';
import { problemPage } from './problem-page.js';

/**
 * The 429 page: says when to try again, and nothing about the code or account tried; links back
 * to code entry for when the time has come.
 */
export function rateLimitedPage(retryAt: number, now: number): Page {
  return problemPage((t) => ({
    title: t.rateLimited.title,
    text: t.rateLimited.text(retryAt, now),
    restart: t.rateLimited.restart,
  }));
}
