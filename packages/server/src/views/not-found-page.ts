import type { Page } from './page.js';
import { problemPage } from './problem-page.js';

/** The 404 page under `/device/`: no page here, and the way to code entry. */
export function notFoundPage(): Page {
  return problemPage((t) => t.notFound);
}
