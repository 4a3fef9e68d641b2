/**
 * The two-step form: one process requests the code and stores the flow, another completes it.
 * Run `node two-step.js start`, then `node two-step.js complete` (or complete in a worker).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { PublicClientApplication, type DeviceCodeFlow } from '@devicelogin/client';

const FLOW_FILE = `${process.env.XDG_RUNTIME_DIR ?? '/tmp'}/devicelogin-flow.json`;

// Both processes must configure the same client id and authority (completeDeviceCode checks
// them), and the same provider and client secret (not checked).
const app = new PublicClientApplication({
  auth: {
    clientId: '00000000-0000-0000-0000-000000000000',
    authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
  },
});

export async function start(): Promise<void> {
  const flow = await app.startDeviceCode({ scopes: ['User.Read'] });
  console.error(flow.message);
  // The flow contains the device code, a credential: only this user may read or write the file.
  await rm(FLOW_FILE, { force: true });
  await writeFile(FLOW_FILE, JSON.stringify(flow), { mode: 0o600, flag: 'wx' });
}

export async function complete(): Promise<void> {
  const flow = JSON.parse(await readFile(FLOW_FILE, 'utf8')) as DeviceCodeFlow;
  try {
    // Checked field by field; polls until approval, refusal or flow.expiresAt.
    const result = await app.completeDeviceCode(flow, { timeoutMs: 15 * 60_000 });
    console.error(`Signed in as ${result.account?.username ?? '(unknown)'}`);
  } finally {
    await rm(FLOW_FILE, { force: true });
  }
}

if (process.argv[2] === 'start') await start();
else await complete();
