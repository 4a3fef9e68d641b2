import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { formatUserCode } from '@devicelogin/protocol';
import type { ServerContext } from '../context.js';
import { randomToken, randomUserCode, sha256, userCodeHash } from '../crypto.js';
import { OAuthError } from '../errors.js';
import { ISSUANCE_LIMITS } from './limits.js';
import { deviceMessage, languageOf } from './messages.js';
import { checkScopes, requireClient, requireDeviceGrant } from './client-checks.js';
import { tenantOf, type TenantParams } from './tenant.js';

type Form = Record<string, string | undefined>;

/**
 * `POST /{tenant}/oauth2/v2.0/devicecode` (RFC 8628 §3.1–3.2): checks the client and scopes,
 * throttles issuance per IP and client, draws a 256-bit device code and a base-20 user code
 * (stored as hashes, a new draw on collision), and answers with `interval`, `expires_in`,
 * `message` (en/fr) and `verification_uri_complete` unless the client disabled deep links.
 */
export function registerDeviceAuthorization(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Params: TenantParams; Body: Form; Querystring: { mkt?: string } }>(
    '/:tenant/oauth2/v2.0/devicecode',
    async (request, reply) => {
      const { config, store, clock } = context;
      const tenant = tenantOf(context, request.params);
      const form = request.body ?? {};
      const client = await requireClient(context, form['client_id']);
      requireDeviceGrant(client);
      const scope = checkScopes(client, form['scope']);
      const now = clock.now();
      const ipCount = await store.hit(`issue:ip:${request.ip}`, ISSUANCE_LIMITS.windowMs, now);
      const clientCount = await store.hit(`issue:client:${client.clientId}`, ISSUANCE_LIMITS.windowMs, now);
      if (ipCount > ISSUANCE_LIMITS.perIp || clientCount > ISSUANCE_LIMITS.perClient) {
        void reply.header('retry-after', String(Math.ceil(ISSUANCE_LIMITS.windowMs / 1000)));
        throw new OAuthError(429, 'temporarily_unavailable', 'Too many device codes requested; try again later.');
      }
      const deviceCode = randomToken(32);
      const userCode = await allocateUserCode(async (candidate) =>
        store.createDeviceCode({
          id: randomUUID(),
          deviceCodeHash: sha256(deviceCode),
          userCodeHash: userCodeHash(candidate),
          clientId: client.clientId,
          tenant,
          scope,
          createdAt: now,
          expiresAt: now + config.deviceCodeTtlSeconds * 1000,
          interval: config.pollIntervalSeconds,
          requestIp: request.ip,
          requestUserAgent: (request.headers['user-agent'] ?? '').slice(0, 512),
        }),
      );
      context.metrics.deviceCodesIssued.inc();
      const shown = formatUserCode(userCode);
      const verificationUri = `${config.publicUrl}/device`;
      const language = languageOf(request.query.mkt, request.headers['accept-language']);
      void reply.header('cache-control', 'no-store');
      return {
        device_code: deviceCode,
        user_code: shown,
        verification_uri: verificationUri,
        ...(client.deepLinkEnabled ? { verification_uri_complete: `${verificationUri}?user_code=${shown}` } : {}),
        expires_in: config.deviceCodeTtlSeconds,
        interval: config.pollIntervalSeconds,
        message: deviceMessage(language, verificationUri, shown),
      };
    },
  );
}

/**
 * Draws user codes until one is stored (the store refuses a collision with a live code): with
 * 20^8 codes a retry is rare, five in a row means something is wrong.
 */
async function allocateUserCode(tryStore: (candidate: string) => Promise<boolean>): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const candidate = randomUserCode(8);
    if (await tryStore(candidate)) return candidate;
  }
  throw new OAuthError(503, 'temporarily_unavailable', 'Could not allocate a user code; try again.');
}
