/**
 * `clients[]` token lifetimes in the server configuration: whole seconds, at least 60, at most the
 * server's own lifetime; a bad value stops the start with an error naming the entry's field.
 */
import { describe, expect, it } from 'vitest';
import { resolveServerConfig, ServerConfigError, type ClientConfig } from '../../src/config/defaults.js';
import { checkConfigFile } from '../../src/config/check-file.js';

const resolve = (client: Partial<ClientConfig>, ttl: { accessTokenTtlSeconds?: number } = {}) =>
  resolveServerConfig({
    publicUrl: 'http://127.0.0.1',
    clients: [
      { clientId: 'ok', name: 'OK' },
      { clientId: 'c', name: 'C', ...client },
    ],
    ...ttl,
  });

function failure(run: () => unknown): ServerConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServerConfigError) return error;
    throw error;
  }
  throw new Error('expected a ServerConfigError');
}

describe('clients[] token lifetimes', () => {
  it('accepts lifetimes from 60 s up to the server lifetimes', () => {
    const config = resolve({ accessTokenLifetimeSeconds: 60, refreshTokenLifetimeSeconds: 90 * 86_400 });
    expect(config.clients[1]).toMatchObject({ accessTokenLifetimeSeconds: 60, refreshTokenLifetimeSeconds: 7_776_000 });
  });

  it.each([
    [{ accessTokenLifetimeSeconds: 59 }, {}, 'clients[1].accessTokenLifetimeSeconds', /between 60 and 3600 seconds/],
    [
      { accessTokenLifetimeSeconds: 1000 },
      { accessTokenTtlSeconds: 900 },
      'clients[1].accessTokenLifetimeSeconds',
      /between 60 and 900/,
    ],
    [
      { refreshTokenLifetimeSeconds: 7_776_001 },
      {},
      'clients[1].refreshTokenLifetimeSeconds',
      /between 60 and 7776000/,
    ],
    [{ refreshTokenLifetimeSeconds: 600.5 }, {}, 'clients[1].refreshTokenLifetimeSeconds', /whole number of seconds/],
  ])('refuses %o (server %o) naming %s', (client, ttl, field, problem) => {
    const error = failure(() => resolve(client, ttl));
    expect(error.field).toBe(field);
    expect(error.problem).toMatch(problem);
  });

  it('the config file checker types them as integers', () => {
    const file = { clients: [{ clientId: 'c', name: 'C', accessTokenLifetimeSeconds: '600' }] };
    expect(failure(() => checkConfigFile(file, 'c.json')).field).toBe('clients[0].accessTokenLifetimeSeconds');
    const fine = { clients: [{ clientId: 'c', name: 'C', accessTokenLifetimeSeconds: 600 }] };
    expect(() => checkConfigFile(fine, 'c.json')).not.toThrow();
  });
});
