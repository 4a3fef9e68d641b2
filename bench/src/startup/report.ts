import type { Summary } from './stats.js';

/** One line of the results table. */
export interface ResultRow {
  readonly name: string;
  readonly summary: Summary;
  /** Median minus the baseline's median; undefined for the baseline itself. */
  readonly addedMs: number | undefined;
  /** `addedMs` divided by ours; undefined for the baseline or when ours adds nothing measurable. */
  readonly ratio: number | undefined;
}

const HEADERS = ['peer', 'median ms', 'p95 ms', 'added ms over bare node', 'ratio vs ours (added)'] as const;

function cells(row: ResultRow): string[] {
  return [
    row.name,
    row.summary.median.toFixed(1),
    row.summary.p95.toFixed(1),
    row.addedMs === undefined ? '—' : `${row.addedMs >= 0 ? '+' : ''}${row.addedMs.toFixed(1)}`,
    row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}×`,
  ];
}

/** The table aligned in columns for a terminal. */
export function renderText(rows: readonly ResultRow[]): string {
  const table = [[...HEADERS], ...rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const format = (line: readonly string[]): string =>
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [format(table[0] ?? []), rule, ...table.slice(1).map(format)].join('\n');
}

/** The table as GitHub Markdown, numbers right-aligned, ready for the README. */
export function renderMarkdown(rows: readonly ResultRow[]): string {
  const line = (values: readonly string[]): string => `| ${values.join(' | ')} |`;
  const align = HEADERS.map((_, column) => (column === 0 ? ':---' : '---:'));
  return [line(HEADERS), line(align), ...rows.map((row) => line(cells(row)))].join('\n');
}
