/**
 * docs/errors.md must document exactly the error codes the client can raise, each with its class
 * and the fields that class adds. The catalogue is derived from the built package
 * `@devicelogin/client` (run `tsc -b` first): its exported error classes at run time, and their
 * `code` literal types and properties from its type declarations. Nothing is instantiated.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as client from '@devicelogin/client';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ERRORS_MD = join(ROOT, 'docs', 'errors.md');

/** One error class of the catalogue, as the package declares it. */
interface CatalogueEntry {
  readonly className: string;
  readonly code: string;
  /** Properties the class adds to DeviceLoginError (`code`, `message`, `cause`… excluded). */
  readonly fields: readonly string[];
}

/** What the package says: its error classes, and the members of ClientError / ClientErrorCode. */
interface Catalogue {
  readonly entries: readonly CatalogueEntry[];
  readonly unionClasses: readonly string[];
  readonly unionCodes: readonly string[];
}

/** Names of the exported values that are error classes (subclasses of DeviceLoginError). */
function runtimeErrorClasses(): string[] {
  return Object.entries(client)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof client.DeviceLoginError)
    .map(([name]) => name)
    .sort();
}

function readCatalogue(classNames: readonly string[]): Catalogue {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  // Resolve the package the way a user's code does (package.json "exports" → types).
  const resolved = ts.resolveModuleName(
    '@devicelogin/client',
    join(ROOT, 'docs', 'test', 'consumer.ts'),
    options,
    ts.sys,
  ).resolvedModule?.resolvedFileName;
  if (resolved === undefined)
    throw new Error('Cannot resolve the types of @devicelogin/client: run `npx tsc -b` first.');
  const program = ts.createProgram([resolved], options);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(resolved);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`No module symbol for ${resolved}`);
  const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  const resolve = (name: string): ts.Symbol => {
    const symbol = exports.get(name);
    if (symbol === undefined) throw new Error(`@devicelogin/client does not export ${name}`);
    return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  };
  const propertyNames = (type: ts.Type): Set<string> => new Set(checker.getPropertiesOfType(type).map((p) => p.name));
  const literal = (type: ts.Type, what: string): string => {
    if (!type.isStringLiteral()) throw new Error(`${what} is not a string literal type`);
    return type.value;
  };

  const baseProperties = propertyNames(checker.getDeclaredTypeOfSymbol(resolve('DeviceLoginError')));
  const entries = classNames.map((className): CatalogueEntry => {
    const instance = checker.getDeclaredTypeOfSymbol(resolve(className));
    const codeProperty = checker.getPropertyOfType(instance, 'code');
    if (codeProperty === undefined) throw new Error(`${className} has no code`);
    return {
      className,
      code: literal(checker.getTypeOfSymbol(codeProperty), `${className}.code`),
      fields: [...propertyNames(instance)].filter((p) => !baseProperties.has(p)).sort(),
    };
  });
  const clientError = checker.getDeclaredTypeOfSymbol(resolve('ClientError'));
  const clientErrorCode = checker.getDeclaredTypeOfSymbol(resolve('ClientErrorCode'));
  const members = (type: ts.Type): readonly ts.Type[] => (type.isUnion() ? type.types : [type]);
  return {
    entries,
    unionClasses: members(clientError)
      .map((t) => t.getSymbol()?.name ?? checker.typeToString(t))
      .sort(),
    unionCodes: members(clientErrorCode)
      .map((t) => literal(t, 'a ClientErrorCode member'))
      .sort(),
  };
}

/** One `### \`code\`` section of docs/errors.md. */
interface DocumentedCode {
  readonly code: string;
  readonly className: string | undefined;
  /** Backticked names on the **Fields:** line; empty for "none"; undefined when the line is missing. */
  readonly fields: readonly string[] | undefined;
}

/** Parses the `### \`code\`` sections and the index table (`| \`code\` | \`Class\` | …`). */
export function parseErrorsDoc(markdown: string): { sections: DocumentedCode[]; table: Map<string, string> } {
  const sections: DocumentedCode[] = [];
  const parts = markdown.split(/^(?=#{1,3} )/m);
  for (const part of parts) {
    const heading = /^### `([^`]+)`\s*$/m.exec(part.split('\n')[0] ?? '');
    if (heading === null) continue;
    const className = /^\s*-?\s*\*\*Class:\*\*\s*`([^`]+)`/m.exec(part)?.[1];
    const fieldsLine = /^\s*-?\s*\*\*Fields:\*\*(.*)$/m.exec(part)?.[1];
    const fields =
      fieldsLine === undefined
        ? undefined
        : /^\s*none\b/i.test(fieldsLine)
          ? []
          : [...fieldsLine.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!).sort();
    sections.push({ code: heading[1]!, className, fields });
  }
  const table = new Map<string, string>();
  for (const row of markdown.matchAll(/^\|\s*\[?`([a-z_]+)`\]?(?:\([^)]*\))?\s*\|\s*`([A-Za-z]+)`\s*\|/gm)) {
    table.set(row[1]!, row[2]!);
  }
  return { sections, table };
}

/** Every disagreement between the document and the catalogue, as readable lines (empty = in step). */
export function checkErrorsDoc(markdown: string, catalogue: readonly CatalogueEntry[]): string[] {
  const problems: string[] = [];
  const { sections, table } = parseErrorsDoc(markdown);
  const byCode = new Map(catalogue.map((e) => [e.code, e]));
  const seen = new Set<string>();
  for (const section of sections) {
    if (seen.has(section.code)) problems.push(`\`${section.code}\` is documented twice`);
    seen.add(section.code);
    const entry = byCode.get(section.code);
    if (entry === undefined) {
      problems.push(`\`${section.code}\` is documented but no error class has this code`);
      continue;
    }
    if (section.className !== entry.className) {
      problems.push(
        `\`${section.code}\`: documented class ${section.className ?? '(none)'}, code has ${entry.className}`,
      );
    }
    if (section.fields === undefined) {
      problems.push(`\`${section.code}\`: no **Fields:** line`);
    } else if (section.fields.join(',') !== entry.fields.join(',')) {
      problems.push(
        `\`${section.code}\`: documented fields [${section.fields.join(', ')}], ${entry.className} has [${entry.fields.join(', ')}]`,
      );
    }
  }
  for (const entry of catalogue) {
    if (!seen.has(entry.code)) problems.push(`\`${entry.code}\` (${entry.className}) is not documented`);
    if (table.get(entry.code) !== entry.className) {
      problems.push(
        `index table: \`${entry.code}\` should map to ${entry.className}, found ${table.get(entry.code) ?? '(no row)'}`,
      );
    }
  }
  for (const code of table.keys()) {
    if (!byCode.has(code)) problems.push(`index table lists \`${code}\`, which no error class has`);
  }
  return problems;
}

describe('docs/errors.md', () => {
  const classNames = runtimeErrorClasses();
  const catalogue = readCatalogue(classNames);
  const markdown = readFileSync(ERRORS_MD, 'utf8');

  it('the package exports every member of ClientError, and nothing else that is an error class', () => {
    expect(classNames.length).toBeGreaterThan(10);
    expect(catalogue.unionClasses).toEqual(classNames);
  });

  it('ClientErrorCode is exactly the set of the classes’ codes, one class per code', () => {
    const codes = catalogue.entries.map((e) => e.code).sort();
    expect(new Set(codes).size).toBe(codes.length);
    expect(catalogue.unionCodes).toEqual(codes);
  });

  it('documents every code, and only those, with its class and fields', () => {
    expect(checkErrorsDoc(markdown, catalogue.entries)).toEqual([]);
  });

  it('lists the AADSTS codes that have a hint, and only those', () => {
    const line = /AADSTS codes with a hint: ([\d,\s]+)\./.exec(markdown)?.[1] ?? '';
    const documented = [...line.matchAll(/\b(\d{5,7})\b/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    const actual = Object.keys(client.AADSTS_HINTS)
      .map(Number)
      .sort((a, b) => a - b);
    expect(documented).toEqual(actual);
  });

  describe('the check itself fails when the document is wrong', () => {
    const section = (code: string, className: string, fields: string): string =>
      `\n### \`${code}\`\n\n- **Class:** \`${className}\`\n- **Fields:** ${fields}\n`;

    it('a heading for a code that does not exist', () => {
      const problems = checkErrorsDoc(markdown + section('no_such_code', 'CancelledError', 'none'), catalogue.entries);
      expect(problems).toContain('`no_such_code` is documented but no error class has this code');
    });

    it('a code that is not documented', () => {
      const first = catalogue.entries[0]!;
      const without = markdown.replace(new RegExp(`^### \`${first.code}\`\\s*$`, 'm'), '### removed');
      expect(checkErrorsDoc(without, catalogue.entries)).toContain(
        `\`${first.code}\` (${first.className}) is not documented`,
      );
    });

    it('a wrong class or a wrong field list', () => {
      const problems = checkErrorsDoc(
        section('timeout', 'CancelledError', '`timeoutMs`, `extra`'),
        catalogue.entries.filter((e) => e.code === 'timeout'),
      );
      expect(problems).toEqual([
        '`timeout`: documented class CancelledError, code has TimeoutError',
        '`timeout`: documented fields [extra, timeoutMs], TimeoutError has [timeoutMs]',
        'index table: `timeout` should map to TimeoutError, found (no row)',
      ]);
    });
  });
});
