import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVerificationApp, type VerificationApp } from '../support/verification-app.js';
import { browserOn, reachConsent } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
});
afterEach(async () => {
  await server.close();
});

const NOTE = 'is on a different network than this browser';

describe('consent page: where the request came from', () => {
  it('says so when the device asked from another address than this browser', async () => {
    await server.issue('BCDF-GHJK', { requestIp: '203.0.113.7' });
    const consent = await reachConsent(browserOn(server, '198.51.100.10'), 'BCDF-GHJK');
    expect(consent.html).toContain('203.0.113.7');
    expect(consent.html).toContain('198.51.100.10');
    expect(consent.html).toContain(NOTE);
  });

  it('stays quiet when both are the same address', async () => {
    await server.issue('BCDF-GHJK', { requestIp: '198.51.100.10' });
    const consent = await reachConsent(browserOn(server, '198.51.100.10'), 'BCDF-GHJK');
    expect(consent.html).not.toContain(NOTE);
  });
});
