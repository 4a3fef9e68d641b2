import { InvalidResponseError } from './errors.js';
import type { ParsedBody } from './body.js';

/** Reads a required non-empty string field. */
export function requireString(body: ParsedBody, field: string, status?: number): string {
  const value = optionalString(body, field, status);
  if (value === undefined) throw new InvalidResponseError(field, 'is missing', optionsFor(status));
  return value;
}

/** Reads an optional string field: absent or null → undefined; present but not a non-empty string → error. */
export function optionalString(body: ParsedBody, field: string, status?: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidResponseError(field, 'is not a non-empty string', optionsFor(status));
  }
  return value;
}

/**
 * Reads an optional non-negative number of seconds. Numeric strings are coerced (Entra v1 and
 * form bodies send numbers as strings); negative, fractional-garbage or non-numeric values fail.
 */
export function optionalSeconds(body: ParsedBody, field: string, status?: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(number)) throw new InvalidResponseError(field, 'is not a number', optionsFor(status));
  if (number < 0) throw new InvalidResponseError(field, 'is negative', optionsFor(status));
  return number;
}

/** Reads a required number of seconds that must be positive. */
export function requirePositiveSeconds(body: ParsedBody, field: string, status?: number): number {
  const value = optionalSeconds(body, field, status);
  if (value === undefined) throw new InvalidResponseError(field, 'is missing', optionsFor(status));
  if (value <= 0) throw new InvalidResponseError(field, 'is not positive', optionsFor(status));
  return value;
}

/** Reads a required absolute http(s) URL. */
export function requireUrl(body: ParsedBody, field: string, status?: number): string {
  const value = requireString(body, field, status);
  return checkUrl(value, field, status);
}

/** Reads an optional absolute http(s) URL. */
export function optionalUrl(body: ParsedBody, field: string, status?: number): string | undefined {
  const value = optionalString(body, field, status);
  return value === undefined ? undefined : checkUrl(value, field, status);
}

function checkUrl(value: string, field: string, status: number | undefined): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidResponseError(field, 'is not an absolute URL', optionsFor(status));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidResponseError(field, 'is not an http(s) URL', optionsFor(status));
  }
  return value;
}

function optionsFor(status: number | undefined): { status?: number } {
  return status === undefined ? {} : { status };
}
