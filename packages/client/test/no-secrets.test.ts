import { describe, expect, it } from 'vitest';
import { assertNoSecretsIn, describeErrorFully, fakeClock } from '@devicelogin/test-utils';
import type { LogLevel } from '@devicelogin/client';
import { errorReply, genericApp, tokenReply, useFakeProvider, type Reply } from './support/fake-provider.js';

const DEVICE_CODE = 'DEVICE-CODE-0123456789abcdef';
const USER_CODE = 'BCDF-GHJK';
const ACCESS_TOKEN = 'ACCESS-TOKEN-secret-value-1234';
const REFRESH_TOKEN = 'REFRESH-TOKEN-secret-value-5678';
const CLIENT_SECRET = 'CLIENT-SECRET-installed-app';
const SECRETS = [DEVICE_CODE, USER_CODE, ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET];

const start = useFakeProvider();

async function run(tokenReplies: Reply[]): Promise<{ lines: string[]; error: unknown }> {
  const provider = await start({
    token: (call) => tokenReplies[Math.min(call.attempt, tokenReplies.length) - 1]!,
  });
  const lines: string[] = [];
  const app = genericApp(provider, 'c', fakeClock(), {
    auth: { clientSecret: CLIENT_SECRET },
    system: { logger: (level: LogLevel, message: string) => lines.push(`${level} ${message}`) },
  });
  const error = await app.acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { lines, error };
}

describe('no token, code or secret in log lines or errors', () => {
  it.each<[string, Reply[]]>([
    [
      'success after pending, slow_down and a 503',
      [errorReply('authorization_pending'), errorReply('slow_down'), { status: 503, text: 'busy' }, tokenReply()],
    ],
    ['declined', [errorReply('access_denied')]],
    ['expired', [errorReply('expired_token')]],
    // a server that echoes the codes back in its description and in extra fields
    [
      'server error echoing secrets',
      [
        errorReply('invalid_request', {
          error_description: `bad code ${DEVICE_CODE} for ${CLIENT_SECRET}`,
          device_code: DEVICE_CODE,
          access_token: ACCESS_TOKEN,
        }),
      ],
    ],
    ['malformed success', [{ json: { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 'later' } }]],
  ])('%s', async (_name, replies) => {
    const { lines, error } = await run(replies);
    expect(lines.length).toBeGreaterThan(1);
    assertNoSecretsIn(lines.join('\n'), SECRETS);
    if (error !== undefined) assertNoSecretsIn(describeErrorFully(error), SECRETS);
  });

  it('the check itself catches a leak', () => {
    expect(() => assertNoSecretsIn(`oops ${ACCESS_TOKEN}`, SECRETS)).toThrow(/secret/);
  });
});
