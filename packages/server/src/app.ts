import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import { systemClock, type Clock } from '@devicelogin/protocol';
import { resolveServerConfig, type ServerConfig } from './config/defaults.js';
import { configWarnings } from './config/warnings.js';
import type { ServerContext } from './context.js';
import { hashPassword } from './crypto.js';
import type { DeviceCodeEvents } from './events/device-code-events.js';
import { openConfiguredEvents } from './events/open-events.js';
import { DpopNonces } from './dpop/nonces.js';
import { registerApiMe } from './endpoints/api-me.js';
import { registerDeviceAuthorization } from './endpoints/device-authorization.js';
import { registerDiscovery } from './endpoints/discovery.js';
import { registerIntrospection } from './endpoints/introspection.js';
import { registerRevocation } from './endpoints/revocation.js';
import { registerToken } from './endpoints/token.js';
import { registerUserinfo } from './endpoints/userinfo.js';
import { registerHealth } from './endpoints/health.js';
import { registerMetrics } from './endpoints/metrics.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { startPurgeSchedule, type PurgeSchedule } from './operations/purge-schedule.js';
import { OAuthError, errorBody } from './errors.js';
import { STORE_RETRY_AFTER_SECONDS, StoreUnavailableError } from './store/errors.js';
import { openConfiguredStore } from './store/open.js';
import type { Store } from './store/store.js';
import { SigningKeys } from './tokens/signing-keys.js';
import type { VerificationLimits } from './verification/limits.js';
import { registerVerification } from './verification/register.js';

/** What {@link buildApp} takes. */
export interface BuildOptions {
  readonly config: Partial<ServerConfig> & { readonly publicUrl: string };
  /** Default: PostgreSQL at `config.databaseUrl` when set, else SQLite at `config.sqlitePath`. */
  readonly store?: Store;
  readonly clock?: Clock;
  /**
   * What background work (the scheduled purge, `purgeIntervalSeconds`) waits on between runs.
   * Default: real timers (`systemClock`), even when `clock` is a test clock, whose sleeps would
   * otherwise move the app's time or count as held requests. Tests of the schedule pass their
   * manual clock here too. What has expired is always decided by `clock`.
   */
  readonly scheduleClock?: Pick<Clock, 'sleep'>;
  /**
   * The long-poll channel (approve/deny wake held token requests). Default: PostgreSQL
   * LISTEN/NOTIFY when `config.databaseUrl` is set, in-process otherwise (events/open-events.ts).
   * Pass one when `store` is a PostgreSQL store shared with other instances but `databaseUrl` is
   * not set (`openPostgresEvents`). Closed with the app.
   */
  readonly events?: DeviceCodeEvents;
  /** Fastify's logger option (pino). Default: off. */
  readonly logger?: FastifyServerOptions['logger'];
  /**
   * Serve TLS with this PEM key and certificate chain (Fastify's `https` server option), e.g. from
   * `ensureLocalCertificates`. Default: plain http.
   */
  readonly https?: { readonly key: string; readonly cert: string };
  /**
   * The guessing budgets of the verification pages (verification/limits.ts). Default: the
   * defaults there, until the server configuration exposes them; tests pass small ones.
   */
  readonly verificationLimits?: VerificationLimits;
}

/** The built application, not listening yet. */
export interface BuiltApp {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
}

/** Request log fields: never the query string (a deep link carries the user code) nor bodies. */
const serializers = {
  req(request: { method: string; url: string; ip?: string; id?: string }): Record<string, unknown> {
    return { method: request.method, path: request.url.split('?')[0], ip: request.ip, id: request.id };
  },
};

/**
 * Builds the authorization server (Fastify) without listening: tests inject or listen on
 * 127.0.0.1:0. Seeds the configured clients and users into the store.
 * @throws {ServerConfigError} on an invalid configuration.
 */
export async function buildApp(options: BuildOptions): Promise<BuiltApp> {
  const config = resolveServerConfig(options.config);
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openConfiguredStore(config));
  let warnEvents = (error: Error): void => void error; // replaced by the app's logger below
  const events = options.events ?? (await openConfiguredEvents(config, clock, (error) => warnEvents(error)));
  const cookieSecret = config.cookieSecret ?? randomBytes(32).toString('base64url');
  const context: ServerContext = {
    config,
    store,
    clock,
    keys: new SigningKeys(store, clock),
    cookieSecret,
    metrics: new ServerMetrics(),
    events,
    dpopNonces: config.dpopNonces ? new DpopNonces(cookieSecret, clock) : undefined,
  };
  context.metrics.countHeldWith(() => events.waiting);
  await seed(context);

  const logger = options.logger ?? false;
  const fastifyOptions = {
    logger: logger === false ? false : typeof logger === 'object' ? { ...logger, serializers } : logger,
    genReqId: () => randomUUID(),
    bodyLimit: 64 * 1024,
    // Behind proxies listed in `trustProxy`, request.ip is the right-most untrusted address of
    // X-Forwarded-For (and X-Forwarded-Proto/Host count from them only): @fastify/proxy-addr.
    trustProxy: config.trustProxy.length === 0 ? false : [...config.trustProxy],
  };
  // With `https` Fastify's instance is typed over https.Server; the routes, hooks and inject()
  // used here and by callers are the same, only `app.server`'s type differs.
  const app =
    options.https === undefined
      ? Fastify(fastifyOptions)
      : (Fastify({
          ...fastifyOptions,
          https: { key: options.https.key, cert: options.https.cert },
        }) as unknown as FastifyInstance);
  await app.register(formbody);
  await app.register(cookie, { secret: context.cookieSecret });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof StoreUnavailableError) {
      // The database is down: transient, the pool reconnects by itself. Clients retry later.
      request.log.warn({ err: { type: error.name, message: error.message } }, 'store unavailable');
      void reply.code(503).header('retry-after', String(STORE_RETRY_AFTER_SECONDS)).header('cache-control', 'no-store');
      if (/text\/html/.test(request.headers.accept ?? '')) {
        return reply.type('text/plain; charset=utf-8').send('Service temporarily unavailable. Try again in a moment.');
      }
      return errorBody(
        new OAuthError(503, 'temporarily_unavailable', 'The service is temporarily unavailable. Retry later.'),
        config.errorDialect,
        clock.now(),
      );
    }
    if (error instanceof OAuthError) {
      void reply.code(error.status).header('cache-control', 'no-store');
      return errorBody(error, config.errorDialect, clock.now());
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Malformed bodies, wrong content types, oversized requests: a JSON error, never a 500.
      void reply.code(status === 415 ? 400 : status).header('cache-control', 'no-store');
      return errorBody(
        new OAuthError(400, 'invalid_request', 'The request could not be parsed.'),
        config.errorDialect,
        clock.now(),
      );
    }
    request.log.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'request failed');
    void reply.code(500).header('cache-control', 'no-store');
    return errorBody(
      new OAuthError(500, 'server_error', 'An unexpected error occurred.'),
      config.errorDialect,
      clock.now(),
    );
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404);
    return { error: 'not_found' };
  });
  app.addHook('preValidation', (request, _reply, done) => {
    done(formProblem(request.method, request.url, request.headers['content-type'], request.body));
  });

  registerDiscovery(app, context);
  registerDeviceAuthorization(app, context);
  registerToken(app, context);
  registerRevocation(app, context);
  registerIntrospection(app, context);
  registerApiMe(app, context);
  registerUserinfo(app, context);
  registerVerification(app, context, options.verificationLimits);
  registerHealth(app, context);
  registerMetrics(app, context.metrics, config.metricsToken);
  app.addHook('onResponse', (request, reply, done) => {
    // Route patterns (bounded), never raw URLs; unmatched requests share one label.
    context.metrics.requestDuration.observe(
      {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: `${Math.floor(reply.statusCode / 100)}xx`,
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  for (const warning of configWarnings(config)) app.log.warn(warning);
  warnEvents = (error) =>
    app.log.warn({ err: { type: error.name, message: error.message } }, 'device code events unavailable');
  // The scheduled purge runs while the app listens (not for inject()-only apps): every
  // `purgeIntervalSeconds`, on `scheduleClock`; closing cancels its wait and lets a run in
  // progress end before the store closes.
  let purge: PurgeSchedule | undefined;
  let closing = false;
  if (config.purgeIntervalSeconds > 0) {
    app.addHook('onListen', (done) => {
      if (!closing) {
        purge ??= startPurgeSchedule({
          store,
          clock,
          sleep: (ms, signal) => (options.scheduleClock ?? systemClock).sleep(ms, signal),
          intervalSeconds: config.purgeIntervalSeconds,
          approvalRetentionDays: config.approvalRetentionDays,
          log: app.log,
          metrics: context.metrics,
        });
      }
      done();
    });
  }
  app.addHook('preClose', async () => {
    closing = true;
    await purge?.stop();
  });
  // Held token requests answer (pending) at once instead of delaying the shutdown by up to N s.
  app.addHook('preClose', async () => events.close());
  app.addHook('onClose', async () => store.close());
  return { app, context };
}

async function seed(context: ServerContext): Promise<void> {
  const { config, store } = context;
  for (const client of config.clients) {
    await store.upsertClient({
      clientId: client.clientId,
      name: client.name,
      allowedScopes: (client.allowedScopes ?? []).join(' '),
      deviceGrantEnabled: client.deviceGrantEnabled ?? true,
      deepLinkEnabled: client.deepLinkEnabled ?? true,
      ...(client.accessTokenLifetimeSeconds === undefined
        ? {}
        : { accessTokenLifetimeSeconds: client.accessTokenLifetimeSeconds }),
      ...(client.refreshTokenLifetimeSeconds === undefined
        ? {}
        : { refreshTokenLifetimeSeconds: client.refreshTokenLifetimeSeconds }),
      ...(client.dpopRequired === true ? { dpopRequired: true } : {}),
    });
  }
  for (const user of config.users) {
    const existing = await store.findUser(user.tenant, user.username);
    await store.upsertUser({
      id: existing?.id ?? randomUUID(),
      tenant: user.tenant,
      username: user.username,
      displayName: user.displayName,
      passwordHash: await hashPassword(user.password),
      disabled: false,
    });
  }
}

/**
 * RFC 6749 §3.2: the OAuth endpoints take form bodies, each parameter at most once. Returns the
 * error to answer, or undefined.
 */
function formProblem(
  method: string,
  url: string,
  contentType: string | undefined,
  body: unknown,
): OAuthError | undefined {
  if (method !== 'POST' || !/\/oauth2\/v2\.0\/(token|devicecode|revoke|introspect)$/.test(url.split('?')[0] ?? ''))
    return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return new OAuthError(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.');
  }
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string')
      return new OAuthError(400, 'invalid_request', `The parameter '${name.slice(0, 64)}' is repeated.`);
  }
  return undefined;
}
