/**
 * Issuance limits (PROTOCOL-NOTES §E: click-time code farms): device codes per client and per IP
 * in a fixed window, counted in the shared store so every instance sees the same budget.
 */
export const ISSUANCE_LIMITS = {
  windowMs: 60_000,
  perIp: 30,
  perClient: 600,
} as const;
