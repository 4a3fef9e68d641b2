import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock, tempDir } from '@devicelogin/test-utils';
import { InvalidFlowError, type DeviceCodeFlow } from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  DEVICE_CODE,
  USER_CODE,
  errorReply,
  genericApp,
  genericConfig,
  standardDeviceReply,
  tokenReply,
  useFakeProvider,
} from '../support/fake-provider.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// startDeviceCode() → plain JSON → completeDeviceCode() in another instance or another process.

const CLIENT_ID = 'client-two-step';
/** The built client, imported by the child process through its absolute path. */
const CLIENT_DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
// registered last, so the providers close before the cleanups run
const start = useFakeProvider();

const roundTrip = (flow: DeviceCodeFlow): DeviceCodeFlow => JSON.parse(JSON.stringify(flow)) as DeviceCodeFlow;

describe('two-step device code: startDeviceCode / completeDeviceCode', () => {
  it('the flow survives JSON and a second instance with the same configuration completes it', async () => {
    const clock = fakeClock();
    const provider = await start({
      token: async (call, p) =>
        call.attempt === 1
          ? errorReply('authorization_pending')
          : tokenReply({ id_token: await p.idToken({ sub: 'user-2', aud: CLIENT_ID }, clock.now() / 1000) }),
    });
    const started = clock.now();
    const flow = await genericApp(provider, CLIENT_ID, clock).startDeviceCode({
      scopes: ['api.read'],
    });

    expect(flow).toMatchObject({
      version: 1,
      clientId: CLIENT_ID,
      authority: provider.url,
      provider: 'generic',
      tokenEndpoint: `${provider.url}/token`,
      jwksUri: `${provider.url}/jwks`,
      issuer: provider.url,
      deviceCode: DEVICE_CODE,
      userCode: USER_CODE,
      verificationUri: `${provider.url}/device`,
      expiresAt: started + 900_000,
      interval: 5,
      scopes: ['api.read'],
    });
    const copy = roundTrip(flow);
    expect(copy).toEqual(flow);
    expect(provider.tokenCalls).toHaveLength(0);

    const second = genericApp(provider, CLIENT_ID, clock);
    const result = await second.completeDeviceCode(copy);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
    expect(result.account?.homeAccountId).toBe('user-2');
    expect(provider.deviceCalls).toHaveLength(1);
    expect(provider.tokenCalls.map((call) => call.form['device_code'])).toEqual([DEVICE_CODE, DEVICE_CODE]);
    // the second instance resolved the endpoints from its own configuration (a stored flow is
    // input: it is checked against them, never trusted for where to send the device code)
    expect(provider.requests.filter((r) => r.url === '/.well-known/openid-configuration')).toHaveLength(2);
    expect(clock.sleeps).toEqual([5500, 5500]);
  });

  it('a real second process completes the flow (one poll, interval 1 s)', async () => {
    // The child uses the real clock, so the parent starts its fake clock at the real time.
    const clock = fakeClock(Date.now());
    const provider = await start({
      device: (_call, p) => standardDeviceReply(p.url, { interval: 1 }),
      token: () => tokenReply(),
    });
    const flow = await genericApp(provider, CLIENT_ID, clock).startDeviceCode({ scopes: ['x'] });
    const dir = await tempDir('devicelogin-two-step-');
    cleanups.push(() => dir.remove());
    const script = join(dir.path, 'complete.mjs');
    await writeFile(
      script,
      [
        `import { PublicClientApplication } from ${JSON.stringify(pathToFileURL(CLIENT_DIST).href)};`,
        `const config = JSON.parse(process.argv[2]);`,
        `let input = '';`,
        `for await (const chunk of process.stdin) input += chunk;`,
        `const result = await new PublicClientApplication(config).completeDeviceCode(JSON.parse(input), { timeoutMs: 15000 });`,
        `process.stdout.write(String(result.accessToken.length));`,
      ].join('\n'),
    );

    const child = await runNode(script, [JSON.stringify(genericConfig(provider, CLIENT_ID))], JSON.stringify(flow));

    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    expect(child.stdout).toBe(String(ACCESS_TOKEN.length));
    expect(provider.tokenCalls).toHaveLength(1);
    expect(provider.tokenCalls[0]!.form).toMatchObject({ device_code: DEVICE_CODE, client_id: CLIENT_ID });
    expect(provider.deviceCalls).toHaveLength(1);
  });

  it.each<[string, string, (flow: DeviceCodeFlow) => unknown]>([
    ['missing deviceCode', 'deviceCode', ({ deviceCode: _omit, ...rest }) => rest],
    ['an empty deviceCode', 'deviceCode', (flow) => ({ ...flow, deviceCode: '' })],
    ['another clientId', 'clientId', (flow) => ({ ...flow, clientId: 'someone-else' })],
    ['another authority', 'authority', (flow) => ({ ...flow, authority: 'http://127.0.0.1:9/other' })],
    ['a non-http tokenEndpoint', 'tokenEndpoint', (flow) => ({ ...flow, tokenEndpoint: 'file:///etc/passwd' })],
    // a flow pointing the device code at another server is refused before any request
    ['a foreign tokenEndpoint', 'tokenEndpoint', (flow) => ({ ...flow, tokenEndpoint: 'http://127.0.0.1:9/steal' })],
    ['expiresAt as text', 'expiresAt', (flow) => ({ ...flow, expiresAt: 'tomorrow' })],
    ['an unknown version', 'version', (flow) => ({ ...flow, version: 2 })],
  ])('a tampered flow (%s) → InvalidFlowError naming %s, and no poll', async (_name, field, tamper) => {
    const clock = fakeClock();
    const provider = await start({ token: () => tokenReply() });
    const flow = await genericApp(provider, CLIENT_ID, clock).startDeviceCode({ scopes: ['x'] });
    const tampered = tamper(roundTrip(flow)) as DeviceCodeFlow;
    const error = await rejectionOf(
      genericApp(provider, CLIENT_ID, clock).completeDeviceCode(tampered),
      InvalidFlowError,
    );
    expect(error.code).toBe('invalid_flow');
    expect(error.field).toBe(field);
    expect(provider.tokenCalls).toHaveLength(0);
    expectNoSecrets(error);
  });
});

/** Runs `node script ...args` with `input` on stdin; resolves when it exits. */
function runNode(
  script: string,
  args: readonly string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
