/**
 * Fuzz suite (issue 8): fast-check throws malformed bodies, content types, encodings, headers
 * and parameters at every endpoint, FUZZ_RUNS requests each (1,000 in `npm test`; `npm run
 * test:fuzz` runs 10,000), through Fastify's
 * full request pipeline (`inject`: routing, parsers, hooks, handlers, the real SQLite store).
 * Nothing may answer 5xx, and no secret value a request carried may appear in the trace logs.
 * Raw-socket framing (invalid HTTP) is covered separately in raw-http.test.ts over real TCP.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openSqliteStore, type BuiltApp } from '@devicelogin/server';
import { fakeClock, freePort } from '@devicelogin/test-utils';
import { BrowserSession } from '../support/browser-session.js';
import { reachConsent } from '../support/page-steps.js';
import { CLIENT_ID, USER } from '../support/test-server.js';
import { SECRET_MARKER, body, headers, query } from './arbitraries.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_000);

/** The resource servers' introspection secret: carries the marker, so a logged one is a leak. */
const INTROSPECTION_SECRET = `${SECRET_MARKER}-introspection-secret-0123456789`;

/** Log lines that carried a secret marker, and how many lines were written. */
const leaks: string[] = [];
let logLines = 0;
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const text = chunk.toString('utf8');
    logLines += 1;
    if (text.includes(SECRET_MARKER) && leaks.length < 5) leaks.push(text);
    done();
  },
});

let built: BuiltApp;
let url: string;
/** Cookie + CSRF of a real session at code entry, and of one that reached consent. */
const sessions: { cookie: string; csrf: string }[] = [];

function cookieOf(browser: BrowserSession): string {
  return [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  built = await buildApp({
    config: {
      publicUrl: url,
      tenants: ['contoso'],
      clients: [{ clientId: CLIENT_ID, name: 'Fuzzed CLI' }],
      users: [USER],
      introspectionSecret: INTROSPECTION_SECRET,
    },
    store: openSqliteStore({ path: ':memory:' }),
    clock: fakeClock(Date.now()),
    logger: { level: 'trace', stream: logStream },
  });
  await built.app.listen({ port, host: '127.0.0.1' });
  // Real sessions, so that some fuzzed posts get past the CSRF check into the handlers.
  const entry = new BrowserSession(url);
  const form = await entry.get('/device');
  sessions.push({ cookie: cookieOf(entry), csrf: form.csrf ?? '' });
  const issued = (await (
    await fetch(`${url}/contoso/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, scope: 'openid offline_access' }),
    })
  ).json()) as { user_code: string };
  const atConsent = new BrowserSession(url);
  const consent = await reachConsent(atConsent, issued.user_code, USER);
  sessions.push({ cookie: cookieOf(atConsent), csrf: consent.csrf ?? '' });
});

afterAll(async () => {
  await built.app.close();
});

const ENDPOINTS: readonly (readonly ['GET' | 'POST', string])[] = [
  ['POST', '/contoso/oauth2/v2.0/devicecode'],
  ['POST', '/contoso/oauth2/v2.0/token'],
  ['POST', '/contoso/oauth2/v2.0/revoke'],
  ['POST', '/contoso/oauth2/v2.0/introspect'],
  ['GET', '/contoso/v2.0/.well-known/openid-configuration'],
  ['GET', '/contoso/discovery/v2.0/keys'],
  ['GET', '/contoso/oidc/userinfo'],
  ['POST', '/contoso/oidc/userinfo'],
  ['GET', '/api/me'],
  ['GET', '/device'],
  ['POST', '/device'],
  ['GET', '/device/signin'],
  ['POST', '/device/signin'],
  ['GET', '/device/consent'],
  ['POST', '/device/consent'],
  ['GET', '/device/done'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
];

/** Half the posts carry a real session cookie and its CSRF token (plus whatever was generated). */
const session = fc.option(fc.nat(1), { nil: undefined });

describe('fuzz: no 5xx, no secret in the logs', () => {
  it.each(ENDPOINTS)(
    '%s %s',
    async (method, path) => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(body, headers, query, session, async (generated, extra, search, which) => {
          const real = which === undefined ? undefined : sessions[which];
          const payload =
            real !== undefined && typeof generated.payload === 'string' && generated.type.includes('urlencoded')
              ? `csrf=${encodeURIComponent(real.csrf)}&${generated.payload}`
              : generated.payload;
          const response = await built.app.inject({
            method,
            url: `${path}${search}`,
            headers: {
              ...extra,
              ...(real === undefined ? {} : { cookie: real.cookie }),
              // Half the introspection requests get past its authentication into the handler.
              ...(real !== undefined && path.endsWith('/introspect')
                ? { authorization: `Bearer ${INTROSPECTION_SECRET}` }
                : {}),
              ...(method === 'POST' ? { 'content-type': generated.type } : {}),
            },
            ...(method === 'POST' ? { payload } : {}),
          });
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode, `${method} ${path}${search}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
        }),
        { numRuns: RUNS, seed: Number(process.env['FUZZ_SEED'] ?? 42) },
      );
      // Every run sent a request (fast-check did not skip any).
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(RUNS);
      console.info(`${method} ${path}: ${JSON.stringify(Object.fromEntries(statuses))}`);
      expect(leaks, leaks.join('\n')).toEqual([]);
    },
    180_000,
  );

  it('the logger was really on: every request was logged', () => {
    expect(logLines).toBeGreaterThan(ENDPOINTS.length * RUNS);
    expect(leaks).toEqual([]);
  });
});
