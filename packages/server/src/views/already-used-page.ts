import type { Page } from './page.js';
import { problemPage } from './problem-page.js';

/** Shown when a code this browser already holds was decided meanwhile (a second Allow). */
export function alreadyUsedPage(): Page {
  return problemPage((t) => t.alreadyUsed);
}
