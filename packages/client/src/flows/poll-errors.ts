import { OAuthErrorCode, type OAuthErrorResponse } from '@devicelogin/protocol';
import { hintForAadsts } from '../authority/entra-hints.js';
import type { PollErrorKind, ProviderProfile } from '../authority/profiles.js';
import {
  AuthorizationDeclinedError,
  BadVerificationCodeError,
  DeviceCodeExpiredError,
  FlowNotEnabledError,
  InteractionRequiredError,
  ServerError,
  type DeviceLoginError,
} from '../errors.js';

const STANDARD: Readonly<Record<string, PollErrorKind>> = {
  [OAuthErrorCode.authorizationPending]: 'pending',
  [OAuthErrorCode.slowDown]: 'slow_down',
  [OAuthErrorCode.accessDenied]: 'declined',
  [OAuthErrorCode.authorizationDeclined]: 'declined',
  [OAuthErrorCode.expiredToken]: 'expired',
  [OAuthErrorCode.badVerificationCode]: 'bad_verification_code',
  [OAuthErrorCode.interactionRequired]: 'interaction_required',
  login_required: 'interaction_required',
  consent_required: 'interaction_required',
};

/** OAuth errors that mean "try again later" rather than "stop". */
const TRANSIENT: ReadonlySet<string> = new Set(['temporarily_unavailable', 'server_error']);

/** What the poll loop should do with an OAuth error. */
export type PollErrorAction =
  | { readonly action: 'pending' }
  | { readonly action: 'slow_down'; readonly interval: number | undefined }
  | { readonly action: 'retry' }
  | { readonly action: 'fail'; readonly error: DeviceLoginError };

/** Classifies an OAuth error from the device or token endpoint using the provider's profile. */
export function classifyOAuthError(error: OAuthErrorResponse, profile: ProviderProfile): PollErrorAction {
  if (isFlowNotEnabled(error, profile)) {
    return { action: 'fail', error: new FlowNotEnabledError(error, profile.flowNotEnabledHint) };
  }
  const kind = profile.errorAliases[error.error] ?? STANDARD[error.error];
  if (kind === undefined) {
    return TRANSIENT.has(error.error) ? { action: 'retry' } : { action: 'fail', error: serverError(error) };
  }
  switch (kind) {
    case 'pending':
      return { action: 'pending' };
    case 'slow_down':
      return { action: 'slow_down', interval: error.interval };
    case 'declined':
      return { action: 'fail', error: new AuthorizationDeclinedError(error) };
    case 'expired':
      return { action: 'fail', error: new DeviceCodeExpiredError(error) };
    case 'bad_verification_code':
      return { action: 'fail', error: new BadVerificationCodeError(error) };
    case 'interaction_required':
      return { action: 'fail', error: new InteractionRequiredError(error.errorDescription ?? error.error, error) };
    case 'flow_not_enabled':
      return { action: 'fail', error: new FlowNotEnabledError(error, profile.flowNotEnabledHint) };
  }
}

/** A {@link ServerError} for an OAuth error body, with the AADSTS hint when one applies. */
export function serverError(error: OAuthErrorResponse): ServerError {
  const hint = hintForAadsts(error.errorCodes);
  const description = error.errorDescription === undefined ? '' : `: ${firstLine(error.errorDescription)}`;
  return new ServerError(`The server answered ${error.error}${description}`, {
    status: error.status,
    response: error,
    ...(hint === undefined ? {} : { hint }),
  });
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.slice(0, 500);
}

function isFlowNotEnabled(error: OAuthErrorResponse, profile: ProviderProfile): boolean {
  return profile.flowNotEnabled.some(
    (rule) =>
      rule.error === error.error &&
      (rule.errorCodes === undefined || rule.errorCodes.some((code) => error.errorCodes.includes(code))) &&
      (rule.descriptionIncludes === undefined ||
        (error.errorDescription ?? '').toLowerCase().includes(rule.descriptionIncludes.toLowerCase())),
  );
}
