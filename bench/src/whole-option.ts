/**
 * A whole-number benchmark option (`--codes 100_000` or its environment twin): `fallback` when
 * absent or empty, underscores allowed as separators.
 * @throws {Error} naming the option when the value is not a whole number ≥ `min`.
 */
export function wholeOption(value: string | undefined, fallback: number, name: string, min = 1): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(parsed) || parsed < min)
    throw new Error(`${name} must be a whole number ≥ ${min}, got ${value}`);
  return parsed;
}
