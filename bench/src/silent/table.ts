/** A table: header cells, then rows of cells. */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** One letter per column: `l` for text (left-aligned), `r` for numbers (right-aligned). */
  readonly align: string;
}

const isLeft = (table: Table, column: number): boolean => table.align[column] !== 'r';

/** The table aligned in columns for a terminal. */
export function renderText(table: Table): string {
  const all = [table.headers, ...table.rows];
  const widths = table.headers.map((_, column) => Math.max(...all.map((line) => (line[column] ?? '').length)));
  const format = (line: readonly string[]): string =>
    line
      .map((cell, column) =>
        isLeft(table, column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [format(table.headers), rule, ...table.rows.map(format)].join('\n');
}

/** The table as GitHub Markdown, numbers right-aligned, ready for the README. */
export function renderMarkdown(table: Table): string {
  const line = (values: readonly string[]): string => `| ${values.join(' | ')} |`;
  const align = table.headers.map((_, column) => (isLeft(table, column) ? ':---' : '---:'));
  return [line(table.headers), line(align), ...table.rows.map(line)].join('\n');
}

/** Milliseconds with precision suited to their size (0.0123, 0.123, 1.23, 12.3, 123). */
export function ms(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  if (value >= 0.1) return value.toFixed(3);
  return value.toFixed(4);
}

/** A ratio, `×` suffixed, 2–3 significant digits. */
export function times(value: number): string {
  return value >= 100 ? `${value.toFixed(0)}×` : value >= 10 ? `${value.toFixed(1)}×` : `${value.toFixed(2)}×`;
}

/** A count with thousands separators (10,000). */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}
