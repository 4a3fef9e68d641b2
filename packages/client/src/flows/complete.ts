import type { ResolvedEndpoints } from '../authority/endpoints.js';
import { recordMutation } from '../cache/record.js';
import type { TokenCache } from '../cache/token-cache.js';
import type { ResolvedConfig } from '../config.js';
import type { DpopState } from '../dpop/dpop-state.js';
import { generateDpopKey, type DpopKey, type StoredDpopKey } from '../dpop/key.js';
import { validateReturnedIdToken, type JwksCache } from '../id-token.js';
import { loadJose } from '../jose.js';
import { buildResult, type AuthenticationResult } from '../result.js';
import type { DeviceCodeFlow } from './device-code-flow.js';
import type { OperationContext } from './operation.js';
import { pollForToken } from './poll.js';

/** What finishing a device code sign-in needs from the application. */
export interface SignInDependencies {
  readonly config: ResolvedConfig;
  readonly cache: TokenCache;
  readonly jwks: JwksCache;
  readonly dpop: DpopState;
}

/**
 * The second half of every device code sign-in: polls until the user decides (with DPoP proofs
 * of a new key when `auth.dpop`), verifies the id_token, builds the result and stores it with the
 * account (the key becoming the account's).
 */
export async function completeSignIn(
  deps: SignInDependencies,
  flow: DeviceCodeFlow,
  endpoints: ResolvedEndpoints,
  context: OperationContext,
): Promise<AuthenticationResult> {
  const config = deps.config;
  const profile = config.profile;
  // One key per sign-in (RFC 9449 §5): every poll is signed with it; it becomes the account's.
  const dpop: { key: DpopKey; stored: StoredDpopKey } | undefined = config.dpop
    ? await generateDpopKey(await loadJose())
    : undefined;
  const tokens = await pollForToken(
    {
      http: config.http,
      clock: config.clock,
      profile,
      tokenEndpoint: endpoints.token,
      expiresAt: flow.expiresAt,
      interval: flow.interval,
      log: config.log,
      secrets: [flow.userCode],
      ...(config.longPoll && endpoints.longPollMaxWait !== undefined
        ? { longPollMaxWait: endpoints.longPollMaxWait }
        : {}),
      parameters: {
        grant_type: profile.grantType,
        client_id: config.clientId,
        [profile.deviceCodeParameter]: flow.deviceCode,
        client_secret: config.clientSecret,
        client_info: profile.clientInfo ? '1' : undefined,
        resource: flow.resource,
      },
      ...(dpop === undefined
        ? {}
        : { dpop: { key: dpop.key, nonces: deps.dpop.nonces, clock: config.clock, log: config.log } }),
    },
    context,
  );
  const receivedAt = config.clock.now();
  const claims = await validateReturnedIdToken(tokens.idToken, config, endpoints, deps.jwks, context.signal);
  const result = buildResult({
    tokens,
    proofSent: dpop !== undefined,
    claims,
    requestedScopes: flow.scopes,
    authority: config.authority,
    receivedAt,
  });
  let stored = false;
  if (result.account !== undefined) {
    try {
      await deps.cache.write(
        recordMutation({
          tokens,
          account: result.account,
          clientId: config.clientId,
          provider: profile.name,
          requestedScopes: flow.scopes,
          claims: flow.claims,
          receivedAt,
          dpopKeyId: dpop?.key.keyId,
          // The sign-in decides: its key becomes the account's, or the account has none.
          accountKey: dpop?.stored ?? null,
        }),
      );
      stored = true;
    } catch (error) {
      // The user has approved and the tokens are valid: losing them because the cache could
      // not be written (disk full, lock held) would waste the sign-in. The failure is reported,
      // not hidden; the next silent call will ask for interaction if nothing was saved.
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
      config.log('warn', `The sign-in succeeded but the token cache could not be saved (${code})`);
    }
  }
  // A bound token whose key is in no account: its key stays in memory for createResourceHeaders.
  if (!stored && dpop !== undefined && result.tokenType === 'DPoP')
    deps.dpop.rememberToken(result.accessToken, dpop.key);
  return result;
}
