import { InvalidFlowError } from '../errors.js';
import type { ProviderName } from '../authority/profiles.js';

/** What `onDeviceCode` receives: everything needed to tell the user where to go. */
export interface DeviceCodeInfo {
  /** The code the user types, as sent by the server. */
  readonly userCode: string;
  readonly verificationUri: string;
  /** The URL with the code embedded, when the server sends one (good for a QR code). */
  readonly verificationUriComplete: string | undefined;
  /** When the codes stop working. */
  readonly expiresAt: Date;
  /** Polling interval in seconds (after defaults and floor). */
  readonly interval: number;
  /** Instruction for the user: the server's, or one generated in the configured language. */
  readonly message: string;
  /** The device authorization response as received. It holds the device code: never log it. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * A started device code sign-in, as plain JSON: `JSON.stringify` it, hand it to another
 * process, and finish it there with `completeDeviceCode`. It contains the device code, a
 * short-lived credential: keep it where only the app can read it.
 */
export interface DeviceCodeFlow {
  readonly version: 1;
  readonly clientId: string;
  readonly authority: string;
  readonly provider: ProviderName;
  readonly tokenEndpoint: string;
  readonly jwksUri: string | undefined;
  readonly issuer: string | undefined;
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string | undefined;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Seconds. */
  readonly interval: number;
  readonly message: string;
  /** Scopes requested (with the profile's defaults). */
  readonly scopes: readonly string[];
  /** Entra v1 resource, when used. */
  readonly resource: string | undefined;
  readonly claims: string | undefined;
}

type FieldCheck = (value: unknown) => boolean;
const isString: FieldCheck = (v) => typeof v === 'string' && v !== '';
const isOptionalString: FieldCheck = (v) => v === undefined || v === null || isString(v);
const isPositive: FieldCheck = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isUrl: FieldCheck = (v) =>
  isString(v) && URL.canParse(v as string) && /^https?:$/.test(new URL(v as string).protocol);

const FIELDS: Readonly<Record<keyof DeviceCodeFlow, FieldCheck>> = {
  version: (v) => v === 1,
  clientId: isString,
  authority: isUrl,
  provider: isString,
  tokenEndpoint: isUrl,
  jwksUri: (v) => v === undefined || v === null || isUrl(v),
  issuer: isOptionalString,
  deviceCode: isString,
  userCode: isString,
  verificationUri: isUrl,
  verificationUriComplete: (v) => v === undefined || v === null || isUrl(v),
  expiresAt: isPositive,
  interval: isPositive,
  message: isString,
  scopes: (v) => Array.isArray(v) && v.every(isString),
  resource: isOptionalString,
  claims: isOptionalString,
};

/**
 * Checks a flow that came back from storage or another process, field by field.
 * @throws {InvalidFlowError} naming the first bad field.
 */
export function checkFlow(value: unknown): DeviceCodeFlow {
  if (typeof value !== 'object' || value === null) throw new InvalidFlowError('flow', 'is not an object');
  const record = value as Record<string, unknown>;
  for (const [field, check] of Object.entries(FIELDS)) {
    if (!check(record[field])) throw new InvalidFlowError(field, 'is missing or malformed');
  }
  const flow = record as unknown as DeviceCodeFlow;
  const orUndefined = <T>(v: T | null | undefined): T | undefined => v ?? undefined;
  return Object.freeze({
    ...flow,
    jwksUri: orUndefined(flow.jwksUri),
    issuer: orUndefined(flow.issuer),
    verificationUriComplete: orUndefined(flow.verificationUriComplete),
    resource: orUndefined(flow.resource),
    claims: orUndefined(flow.claims),
    scopes: Object.freeze([...flow.scopes]),
  });
}
