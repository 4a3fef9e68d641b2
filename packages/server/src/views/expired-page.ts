import type { Page } from './page.js';
import { problemPage } from './problem-page.js';

/** The 403 page of a form posted without a valid session or CSRF token: nothing was changed. */
export function expiredPage(): Page {
  return problemPage((t) => t.expired);
}
