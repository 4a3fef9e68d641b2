import type { ParsedBody } from './body.js';
import {
  optionalSeconds,
  optionalString,
  optionalUrl,
  requirePositiveSeconds,
  requireString,
  requireUrl,
} from './fields.js';
import type { ReceivedResponse } from './http-response.js';
import { processResponse, type Processed } from './processed.js';

/** A validated device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorizationResponse {
  readonly deviceCode: string;
  readonly userCode: string;
  /** `verification_uri`, or `verification_url` as Google and Entra v1 name it. */
  readonly verificationUri: string;
  readonly verificationUriComplete: string | undefined;
  /** Lifetime of the codes in seconds (positive). */
  readonly expiresIn: number;
  /** Polling interval in seconds as sent; undefined when the server sent none. */
  readonly interval: number | undefined;
  /** The server's own instruction text (Entra sends one, localised). */
  readonly message: string | undefined;
  /** The whole parsed body as received. Contains the device code: never log it. */
  readonly raw: Readonly<Record<string, unknown>>;
}

function validate(status: number): (body: ParsedBody) => DeviceAuthorizationResponse {
  return (body) => {
    const uriField =
      body['verification_uri'] === undefined && body['verification_url'] !== undefined
        ? 'verification_url'
        : 'verification_uri';
    const completeField =
      body['verification_uri_complete'] === undefined && body['verification_url_complete'] !== undefined
        ? 'verification_url_complete'
        : 'verification_uri_complete';
    return Object.freeze({
      deviceCode: requireString(body, 'device_code', status),
      userCode: requireString(body, 'user_code', status),
      verificationUri: requireUrl(body, uriField, status),
      verificationUriComplete: optionalUrl(body, completeField, status),
      expiresIn: requirePositiveSeconds(body, 'expires_in', status),
      interval: optionalSeconds(body, 'interval', status),
      message: optionalString(body, 'message', status),
      raw: Object.freeze({ ...body }),
    });
  };
}

/**
 * Checks a device authorization response field by field.
 * @see RFC 8628 §3.2
 * @throws {InvalidResponseError} naming the first field that is missing or malformed.
 */
export function processDeviceAuthorizationResponse(response: ReceivedResponse): Processed<DeviceAuthorizationResponse> {
  return processResponse(response, validate(response.status));
}
