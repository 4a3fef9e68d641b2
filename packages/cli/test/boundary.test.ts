import { readFile } from 'node:fs/promises';
import * as client from '@devicelogin/client';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../src/boundary.js';
import { CliError, SignInNeededError, UsageError } from '../src/errors.js';
import { EXIT } from '../src/exit-codes.js';

const oauth = (error: string) => ({
  status: 400,
  error,
  errorDescription: undefined,
  errorCodes: [],
  suberror: undefined,
  traceId: undefined,
  correlationId: undefined,
  timestamp: undefined,
  claims: undefined,
  body: { error },
});

describe('the error boundary', () => {
  it('maps each client error family to its exit code, with a message and no stack', () => {
    const cases: [unknown, number][] = [
      [new client.AuthorizationDeclinedError(oauth('access_denied') as never), EXIT.signInFailed],
      [new client.DeviceCodeExpiredError(), EXIT.signInFailed],
      [new client.TimeoutError(1000), EXIT.signInFailed],
      [new client.CancelledError(new Error('x')), EXIT.cancelled],
      [new client.InteractionRequiredError('no account'), EXIT.interactionRequired],
      [new client.NetworkError('https://id.example/token', new Error('ECONNREFUSED')), EXIT.network],
      [new client.RequestTimeoutError('https://id.example/token', 30_000), EXIT.network],
      [new client.ConfigurationError('auth.authority', 'must be https'), EXIT.usage],
      [new client.KeyringUnavailableError(new Error('no dbus')), EXIT.storage],
      [new client.CacheIoError('/x', 'write', new Error('EACCES')), EXIT.storage],
      [new client.CacheLockTimeoutError('/x.lock', 10_000), EXIT.storage],
      [new client.DpopNonceError('https://id.example/token'), EXIT.error],
      [new client.DpopKeyError('its account has no DPoP key'), EXIT.interactionRequired],
      [new UsageError('bad'), EXIT.usage],
      [new SignInNeededError('no', 'login'), EXIT.interactionRequired],
      [new CliError('x', EXIT.httpServerError), EXIT.httpServerError],
      [new Error('boom'), EXIT.error],
    ];
    for (const [error, code] of cases) {
      const failure = describeFailure(error);
      expect(failure.exitCode, String(error)).toBe(code);
      expect(failure.message).not.toMatch(/\n\s+at /);
    }
    expect(describeFailure(new client.KeyringUnavailableError(new Error('x'))).hint).toMatch(/Secret Service/);
  });

  it('a server refusing a request without a DPoP proof gets the --dpop hint', () => {
    const refused = new client.ServerError(
      'The server answered invalid_dpop_proof: This application must send a DPoP proof.',
      {
        status: 400,
        response: oauth('invalid_dpop_proof') as never,
      },
    );
    expect(describeFailure(refused)).toMatchObject({
      exitCode: EXIT.error,
      hint: expect.stringContaining('--dpop') as unknown,
    });
    const other = new client.ServerError('The server answered invalid_request', {
      status: 400,
      response: oauth('invalid_request') as never,
    });
    expect(describeFailure(other).hint ?? '').not.toContain('--dpop');
  });

  it('Ctrl+C wins over whatever error the abort caused', () => {
    const controller = new AbortController();
    controller.abort();
    expect(describeFailure(new Error('fetch failed'), controller.signal)).toMatchObject({
      exitCode: 130,
      message: 'Cancelled.',
    });
  });

  it('docs/cli.md lists every exit code with the same number', async () => {
    const doc = await readFile(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('## Exit codes'));
    const documented = [...table.matchAll(/^\|\s+(\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual([...new Set(Object.values(EXIT))].sort((a, b) => a - b));
  });
});
