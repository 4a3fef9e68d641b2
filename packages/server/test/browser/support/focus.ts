/** The focused element and how its focus shows, read from the page's computed styles. */
import type { Page } from 'playwright-core';

/** What has the keyboard focus, and its focus indicator. */
export interface FocusState {
  /** `input#user_code`, `button`, … */
  readonly element: string;
  /** Its text (a button's label) or its `name`. */
  readonly label: string;
  readonly matchesFocusVisible: boolean;
  readonly outlineStyle: string;
  /** In CSS pixels. */
  readonly outlineWidth: number;
  readonly outlineColor: string;
}

/** The small part of the DOM this module reads (lib "dom" is not in this project). */
interface FocusedElement {
  readonly tagName: string;
  readonly id: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
}
interface DomGlobals {
  readonly document: { readonly activeElement: FocusedElement | null };
  getComputedStyle(element: FocusedElement): { outlineStyle: string; outlineWidth: string; outlineColor: string };
}

/** The element that has the focus now (the body when nothing has). */
export function focused(page: Page): Promise<FocusState> {
  return page.evaluate(() => {
    const dom = globalThis as unknown as DomGlobals;
    const element = dom.document.activeElement;
    if (element === null) throw new Error('no active element');
    const style = dom.getComputedStyle(element);
    return {
      element: `${element.tagName.toLowerCase()}${element.id === '' ? '' : `#${element.id}`}`,
      label: (element.textContent ?? '').trim() || (element.getAttribute('name') ?? ''),
      matchesFocusVisible: element.matches(':focus-visible'),
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      outlineColor: style.outlineColor,
    };
  });
}

/**
 * Why the focused element's focus is not clearly visible (WCAG 2.4.7, and 2.4.13's 2 px), or
 * undefined when it is: it must match `:focus-visible` and draw a solid outline at least 2 px wide
 * in an opaque colour.
 */
export function focusProblem(state: FocusState): string | undefined {
  if (!state.matchesFocusVisible) return `${state.element} does not match :focus-visible`;
  if (state.outlineStyle === 'none' || state.outlineWidth < 2) {
    return `${state.element} has outline ${state.outlineStyle} ${state.outlineWidth}px`;
  }
  if (/transparent|rgba\(.*,\s*0\)$/.test(state.outlineColor)) return `${state.element} has a transparent outline`;
  return undefined;
}
