/**
 * Code blocks in docs/ that start with `// examples/<file>.ts` are quotes of that file, which the
 * compiler checks (tsconfig.tests.json includes examples/). A block may skip parts of the file
 * with a `// …` line; every other part must appear in the file verbatim.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCS = join(ROOT, 'docs');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

interface Quote {
  readonly doc: string;
  readonly line: number;
  readonly example: string;
  readonly chunks: readonly string[];
}

/** The quoted blocks of one markdown document. */
export function quotesIn(doc: string, markdown: string): Quote[] {
  const quotes: Quote[] = [];
  for (const match of markdown.matchAll(/^```ts\n\/\/ (examples\/[\w./-]+\.ts)\n([\s\S]*?)^```$/gm)) {
    const chunks = match[2]!
      .split(/^\s*\/\/ …\s*$/m)
      .map((chunk) => chunk.replace(/^\n+|\s+$/g, ''))
      .filter((chunk) => chunk !== '');
    const line = markdown.slice(0, match.index).split('\n').length;
    quotes.push({ doc, line, example: match[1]!, chunks });
  }
  return quotes;
}

/** Parts of a quote that are not in the example file. */
export function missingChunks(quote: Quote, exampleSource: string): string[] {
  return quote.chunks.filter((chunk) => !exampleSource.includes(chunk));
}

describe('code blocks quoting examples/', () => {
  const quotes = markdownFiles(DOCS).flatMap((path) => quotesIn(relative(ROOT, path), readFileSync(path, 'utf8')));

  it('there are quotes to check', () => {
    expect(quotes.length).toBeGreaterThan(10);
  });

  it.each(quotes.map((q) => [`${q.doc}:${q.line} ← ${q.example}`, q] as const))('%s', (_name, quote) => {
    const source = readFileSync(join(ROOT, quote.example), 'utf8');
    expect(missingChunks(quote, source)).toEqual([]);
  });

  it('a quote that drifted from its example fails', () => {
    const [quote] = quotesIn('x.md', '```ts\n// examples/x.ts\nconst a = 1;\n// …\nconst b = 2;\n```\n');
    expect(quote?.chunks).toEqual(['const a = 1;', 'const b = 2;']);
    expect(missingChunks(quote!, 'const a = 1;\nconst c = 3;\n')).toEqual(['const b = 2;']);
  });
});
