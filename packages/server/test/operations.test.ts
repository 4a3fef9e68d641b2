import { afterEach, describe, expect, it } from 'vitest';
import { BrowserSession } from './support/browser-session.js';
import { CLIENT_ID, postForm, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The value of one sample line of a Prometheus text exposition (0 when absent). */
function sample(text: string, line: string): number {
  const match = text.split('\n').find((l) => l.startsWith(`${line} `));
  return match === undefined ? 0 : Number(match.slice(line.length + 1));
}

describe('operations endpoints', () => {
  it('/healthz answers while /readyz follows the store: 503 with Retry-After once it is closed', async () => {
    const s = (server = await startTestServer());
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'up' });
    await s.context.store.close();
    const down = await fetch(`${s.url}/readyz`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toEqual({ status: 'unavailable', database: 'down' });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('/metrics counts codes issued, polls by outcome, decisions and request latencies', async () => {
    const s = (server = await startTestServer());
    const token = `${s.url}/contoso/oauth2/v2.0/token`;
    const issued = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: 'openid' });
    const deviceCode = String(issued.body['device_code']);
    const poll = () =>
      postForm(token, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT_ID,
        device_code: deviceCode,
      });
    expect((await poll()).body['error']).toBe('authorization_pending');
    await s.signInAndApprove(String(issued.body['user_code']));
    s.clock.advance(10_000);
    expect((await poll()).status).toBe(200);
    expect((await poll()).body['error']).toBe('invalid_grant');

    const response = await fetch(`${s.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(sample(text, 'devicelogin_device_codes_issued_total')).toBe(1);
    expect(sample(text, 'devicelogin_device_code_polls_total{outcome="authorization_pending"}')).toBe(1);
    expect(sample(text, 'devicelogin_device_code_polls_total{outcome="success"}')).toBe(1);
    expect(sample(text, 'devicelogin_device_code_polls_total{outcome="invalid_grant"}')).toBe(1);
    expect(sample(text, 'devicelogin_device_code_decisions_total{outcome="approved"}')).toBe(1);
    expect(
      sample(
        text,
        'devicelogin_http_request_duration_seconds_count{route="/:tenant/oauth2/v2.0/token",method="POST",status="4xx"}',
      ),
    ).toBe(2);
    // Labels are route patterns, never codes or raw URLs.
    expect(text).not.toContain(deviceCode);
    expect(text).not.toContain(String(issued.body['user_code']));
  });

  it('with metricsToken set, /metrics wants that bearer token', async () => {
    const s = (server = await startTestServer({ metricsToken: 'scrape-secret-0123456789' }));
    const anonymous = await fetch(`${s.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-0123456788' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-0123456789' } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('devicelogin_device_codes_issued_total');
  });

  it('guessing-limit hits are counted', async () => {
    const s = (server = await startTestServer());
    const browser = new BrowserSession(s.url);
    const form = await browser.get('/device');
    let limited = 0;
    for (let i = 0; i < 12; i++) {
      const answer = await browser.post('/device', { csrf: form.csrf ?? '', user_code: 'ZZZZ-ZZZZ' });
      if (answer.status === 429) limited += 1;
    }
    expect(limited).toBeGreaterThan(0);
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(sample(text, 'devicelogin_guessing_limit_hits_total{limit="code_entry"}')).toBe(limited);
  });
});
