/** `1 minute`, `2 minutes`: the singular for 0 and 1 is French's rule, 1 alone English's. */
export function plural(n: number, one: string, many: string, zeroIsSingular = false): string {
  return `${n} ${n === 1 || (zeroIsSingular && n === 0) ? one : many}`;
}

/** `2026-01-01 10:15 UTC`: the same in every language, and unambiguous. */
export function utcTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
