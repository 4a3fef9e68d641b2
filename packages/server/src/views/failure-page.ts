import type { Page } from './page.js';
import { problemPage } from './problem-page.js';

/** Shown for unexpected errors (and malformed requests): no detail leaves the server. */
export function failurePage(): Page {
  return problemPage((t) => t.failure);
}
