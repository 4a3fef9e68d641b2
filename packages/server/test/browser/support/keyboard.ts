/** Keyboard-only steps: every Tab checks that the focus it lands on is clearly visible. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { focused, focusProblem, type FocusState } from './focus.js';
import { navigation } from './pages.js';

/** Fails the test unless the focus shows clearly (see {@link focusProblem}); returns `state`. */
export function expectVisibleFocus(state: FocusState): FocusState {
  expect(focusProblem(state), JSON.stringify(state)).toBeUndefined();
  return state;
}

/** Presses Tab and returns what has the focus then, after checking that it shows. */
export async function tab(page: Page): Promise<FocusState> {
  await page.keyboard.press('Tab');
  return expectVisibleFocus(await focused(page));
}

/** Presses Enter and waits for the page it leads to. */
export async function enter(page: Page): Promise<void> {
  await navigation(page, () => page.keyboard.press('Enter'));
}
