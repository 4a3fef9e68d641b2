/** OAuth error codes a device-flow client must distinguish (RFC 8628 §3.5, RFC 6749 §5.2, Entra, GitHub). */
export const OAuthErrorCode = Object.freeze({
  authorizationPending: 'authorization_pending',
  slowDown: 'slow_down',
  accessDenied: 'access_denied',
  expiredToken: 'expired_token',
  invalidGrant: 'invalid_grant',
  interactionRequired: 'interaction_required',
  /** Entra's name for access_denied in the device flow. */
  authorizationDeclined: 'authorization_declined',
  /** Entra: the device code is unknown. */
  badVerificationCode: 'bad_verification_code',
  /** GitHub: the device code is unknown. */
  incorrectDeviceCode: 'incorrect_device_code',
  /** GitHub: the OAuth app has the device flow switched off. */
  deviceFlowDisabled: 'device_flow_disabled',
  unauthorizedClient: 'unauthorized_client',
  invalidClient: 'invalid_client',
});
