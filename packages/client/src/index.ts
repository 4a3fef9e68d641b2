export { PublicClientApplication } from './public-client.js';
export type {
  StartDeviceCodeOptions,
  CompleteDeviceCodeOptions,
  DeviceCodeOptions,
  SilentOptions,
  AccountFilter,
  TokenCacheAccess,
} from './public-client.js';
export type { SilentRequest } from './flows/silent.js';
export type { SignOutOptions, SignOutResult, RevocationOutcome } from './flows/sign-out.js';
export type { CacheOptions } from './config.js';
export type { CachePersistence, CacheVersion, CacheWarning, LoadedCache } from './cache/persistence.js';
export type {
  SerializedCache,
  SerializedAccount,
  SerializedCredential,
  SerializedAppMetadata,
} from './cache/schema.js';
export type { PublicClientConfiguration, AuthOptions, SystemOptions, ExplicitEndpoints } from './config.js';
export type { DeviceCodeRequest } from './flows/start.js';
export type { DeviceCodeInfo, DeviceCodeFlow } from './flows/device-code-flow.js';
export type { OperationOptions } from './flows/operation.js';
export type { AuthenticationResult, TokenType } from './result.js';
export { dpopNonceChallenge } from './dpop/nonces.js';
export type { ChallengeResponse } from './dpop/nonces.js';
export type { ResourceToken, ResourceHeadersRequest, ResourceHeaders, ResourceFetchRequest } from './dpop/resource.js';
export type { AccountInfo } from './account.js';
export type { IdTokenClaims } from './id-token.js';
export type { FetchLike } from './proxy.js';
export type { Logger, LogLevel } from './logger.js';
export { PROVIDER_PROFILES, isProviderName } from './authority/profiles.js';
export type {
  ProviderName,
  ProviderProfile,
  EndpointTemplates,
  PollErrorKind,
  FlowNotEnabledRule,
} from './authority/profiles.js';
export { AADSTS_HINTS } from './authority/entra-hints.js';
export {
  DeviceLoginError,
  InvalidResponseError,
  AuthorizationDeclinedError,
  DeviceCodeExpiredError,
  BadVerificationCodeError,
  CancelledError,
  TimeoutError,
  InteractionRequiredError,
  FlowNotEnabledError,
  ServerError,
  NetworkError,
  RequestTimeoutError,
  IdTokenValidationError,
  ConfigurationError,
  InvalidFlowError,
  CacheLockTimeoutError,
  KeyringUnavailableError,
  CacheIoError,
  DpopNonceError,
  DpopKeyError,
  isClientError,
} from './errors.js';
export type { ClientError, ClientErrorCode, ServerErrorDetails } from './errors.js';
export type { Clock } from '@devicelogin/protocol';
export { createFilePersistence, DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STALE_LOCK_MS } from './cache/file-persistence.js';
export type { FilePersistenceOptions } from './cache/file-persistence.js';
export { createDefaultPersistence, PLAINTEXT_ENV } from './cache/default-persistence.js';
export type { DefaultPersistenceOptions } from './cache/default-persistence.js';
export { keyringKeyProvider, staticKeyProvider, keyringAccountFor, KEYRING_SERVICE } from './cache/key-provider.js';
export type { KeyProvider, KeyringKeyProviderOptions, KeyringEntry, OpenKeyringEntry } from './cache/key-provider.js';
export type { ProcessInfo } from './cache/file-lock.js';
export type { CacheFileSystem } from './cache/fs-port.js';
