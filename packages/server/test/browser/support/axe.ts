/**
 * axe-core (the pinned devDependency) run inside the page. Its source is evaluated through the
 * DevTools protocol, which the pages' CSP (`default-src 'none'`, no scripts) does not govern: the
 * pages are checked as served, with their real CSP, and no context needs `bypassCSP`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0–2.2 A and AA, plus axe's best practices (reported, only serious/critical fail). */
const RUN_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  resultTypes: ['violations'],
};

/** The impacts that fail a page. */
const FAILING: readonly ImpactValue[] = ['serious', 'critical'];

/** One violation as the report shows it. */
export interface A11yViolation {
  readonly id: string;
  readonly impact: ImpactValue | undefined;
  readonly help: string;
  /** CSS selectors of the offending elements, with axe's summary of each. */
  readonly nodes: readonly string[];
}

/** What axe found on one page. */
export interface A11yReport {
  readonly name: string;
  readonly violations: readonly A11yViolation[];
  /** The serious and critical ones. */
  readonly failing: readonly A11yViolation[];
}

/** Runs axe on the page as it is now. */
export async function runAxe(page: Page, name: string): Promise<A11yReport> {
  await page.evaluate(AXE_SOURCE);
  // `axe` is the global axe.min.js defines; lib "dom" is not in this project, hence the cast.
  const results = await page.evaluate(
    (options) => (globalThis as unknown as { axe: { run(o: RunOptions): Promise<AxeResults> } }).axe.run(options),
    RUN_OPTIONS,
  );
  const violations = results.violations.map((v): A11yViolation => ({
    id: v.id,
    impact: v.impact ?? undefined,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`),
  }));
  return { name, violations, failing: violations.filter((v) => v.impact != null && FAILING.includes(v.impact)) };
}

/** One line per violation and node, for failure messages and logs. */
export function formatViolations(violations: readonly A11yViolation[]): string {
  return violations
    .map((v) => `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      ${n}`).join('\n')}`)
    .join('\n');
}

/**
 * Runs axe and throws when it finds a serious or critical violation, listing them all.
 * @returns the report (minor and moderate findings included) for the caller to log.
 */
export async function checkA11y(page: Page, name: string): Promise<A11yReport> {
  const report = await runAxe(page, name);
  if (report.failing.length > 0) {
    throw new Error(
      `axe: ${report.failing.length} serious/critical violation(s) on "${name}":\n${formatViolations(report.failing)}`,
    );
  }
  return report;
}
