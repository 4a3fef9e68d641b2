/**
 * Type-checks a parsed config file against the field table (fields.ts): every key must be a
 * known field and every value of its documented type, down to `clients[i]` and `users[i]`
 * entries. Errors name the field path and the file; values are never echoed (one may be a
 * password). Range and format checks come after merging, in `resolveServerConfig`.
 */
import { ServerConfigError } from './defaults.js';
import { CONFIG_FIELDS, ENTRY_FIELDS, type FieldCheck, type FieldSpec } from './fields.js';

/**
 * The file's fields, type-checked.
 * @throws {ServerConfigError} on a non-object, an unknown key, a missing required entry field or
 *   a wrong type.
 */
export function checkConfigFile(value: unknown, file: string): Record<string, unknown> {
  return checkObject(value, CONFIG_FIELDS, '', file);
}

function checkObject(
  value: unknown,
  fields: Readonly<Record<string, FieldSpec>>,
  prefix: string,
  file: string,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServerConfigError(
      prefix === '' ? `config file ${file}` : prefix.slice(0, -1),
      mustBe('an object', value),
    );
  }
  const object = value as Record<string, unknown>;
  const known = Object.keys(fields);
  for (const key of Object.keys(object)) {
    if (Object.hasOwn(fields, key)) continue;
    const guess = closest(key, known);
    throw new ServerConfigError(
      `${prefix}${key}`,
      `is not a known field (in ${file})${guess === undefined ? '' : `; did you mean ${guess}?`} ` +
        `Known fields: ${known.join(', ')}.`,
    );
  }
  for (const [key, spec] of Object.entries(fields)) {
    const field = object[key];
    if (field === undefined) {
      if (spec.required === true) throw new ServerConfigError(`${prefix}${key}`, `is required (in ${file})`);
      continue;
    }
    checkValue(spec.check, field, `${prefix}${key}`, file);
  }
  return object;
}

function checkValue(check: FieldCheck, value: unknown, field: string, file: string): void {
  switch (check.kind) {
    case 'string':
    case 'boolean':
      if (typeof value !== check.kind) throw new ServerConfigError(field, mustBe(`a ${check.kind}`, value, file));
      return;
    case 'integer':
      if (!Number.isInteger(value)) throw new ServerConfigError(field, mustBe('an integer', value, file));
      return;
    case 'enum':
      if (typeof value !== 'string' || !check.values.includes(value)) {
        throw new ServerConfigError(field, mustBe(`one of ${check.values.join(', ')}`, value, file));
      }
      return;
    case 'string-list':
      if (!Array.isArray(value)) throw new ServerConfigError(field, mustBe('an array of strings', value, file));
      value.forEach((item: unknown, index) => {
        if (typeof item !== 'string') throw new ServerConfigError(`${field}[${index}]`, mustBe('a string', item, file));
      });
      return;
    case 'entries':
      if (!Array.isArray(value)) throw new ServerConfigError(field, mustBe(`an array of ${check.entry}`, value, file));
      value.forEach((item: unknown, index) => {
        checkObject(item, ENTRY_FIELDS[check.entry], `${field}[${index}].`, file);
      });
      return;
  }
}

/** "must be a string (got a number in config.json)": the type only, never the value. */
function mustBe(expected: string, value: unknown, file?: string): string {
  return `must be ${expected} (got ${typeName(value)}${file === undefined ? '' : ` in ${file}`})`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fractional number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The known name nearest to `key` (edit distance ≤ 3, or equal ignoring case and separators). */
function closest(key: string, known: readonly string[]): string | undefined {
  const plain = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = plain(name) === plain(key) ? 0 : editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 3 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
