export { DeviceLoginError, InvalidResponseError } from './errors.js';
export { SECRET_FIELDS, redactBody } from './redact.js';
export type { ReceivedResponse } from './http-response.js';
export { parseBody, type ParsedBody } from './body.js';
export {
  requireString,
  optionalString,
  optionalSeconds,
  requirePositiveSeconds,
  requireUrl,
  optionalUrl,
} from './fields.js';
export { parseScopes, formatScopes } from './scopes.js';
export { formEncode } from './form.js';
export { type Clock, systemClock, abortableSleep, throwIfAborted } from './clock.js';
export { parseRetryAfter } from './retry-after.js';
export { type OAuthErrorResponse, isOAuthErrorBody, toOAuthError, scrubOAuthError } from './oauth-error.js';
export { type Processed, processResponse } from './processed.js';
export { type DeviceAuthorizationResponse, processDeviceAuthorizationResponse } from './device-authorization.js';
export { type TokenResponse, processTokenResponse } from './token-response.js';
export { type AuthorizationServerMetadata, processMetadataResponse } from './metadata.js';
export { USER_CODE_ALPHABET, normalizeUserCode, formatUserCode } from './user-code.js';
export { OAuthErrorCode } from './oauth-error-codes.js';
export { type AuthChallenge, parseWwwAuthenticate, findChallenge } from './www-authenticate.js';
