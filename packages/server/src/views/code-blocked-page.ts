import type { Page } from './page.js';
import { problemPage } from './problem-page.js';

/**
 * Shown when a device code used up its budget of failed sign-ins and was denied: the device gets
 * `access_denied`, and the user must start again on the device with a new code.
 */
export function codeBlockedPage(): Page {
  return problemPage((t) => t.codeBlocked);
}
