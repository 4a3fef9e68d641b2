// Run by msal-node-https.test.ts in a child process: unmodified @azure/msal-node with its DEFAULT
// network client signs in with the device code. In 7.2.3 that client is Node's global fetch
// (HttpClient.mjs), which trusts Node's default CA store; Node adds NODE_EXTRA_CA_CERTS to it only
// when a process starts, hence a process of its own, started with it.
//
// argv: authority, known authority (host:port), client id, scope, approval flag file.
// stdout, one JSON object a line: {"userCode"} when the code is shown, then {"account", "scopes"}
// or {"error"}. Never a token.
import { existsSync } from 'node:fs';
import { LogLevel, ProtocolMode, PublicClientApplication } from '@azure/msal-node';

const [authority, knownAuthority, clientId, scope, approvedFlag] = process.argv.slice(2);

/** Blocks until the parent has approved the code: msal-node polls right after the callback. */
function waitForApproval(path, timeoutMs) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error('the test never approved the code');
    Atomics.wait(pause, 0, 0, 20);
  }
}

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

// msal-node reports a failed metadata request as endpoints_resolution_error, its verbose log adds
// only "fetch failed": both are printed on failure (no PII: piiLoggingEnabled off), with the TLS
// error code that the same global fetch meets on the same URL.
const log = [];
const app = new PublicClientApplication({
  auth: { clientId, authority, knownAuthorities: [knownAuthority] },
  system: {
    protocolMode: ProtocolMode.OIDC,
    loggerOptions: {
      logLevel: LogLevel.Verbose,
      piiLoggingEnabled: false,
      loggerCallback: (_level, line) => log.push(line),
    },
  },
});
try {
  const result = await app.acquireTokenByDeviceCode({
    scopes: [scope],
    deviceCodeCallback: (response) => {
      print({ userCode: response.userCode });
      waitForApproval(approvedFlag, 15_000);
    },
  });
  const { username, homeAccountId, environment } = result?.account ?? {};
  print({ account: { username, homeAccountId, environment }, scopes: result?.scopes ?? [] });
} catch (error) {
  const causes = log
    .filter((line) => line.includes("getEndpointMetadataFromNetwork: '"))
    .map((line) => line.slice(0, 500));
  const tlsError = await fetch(`${authority}/v2.0/.well-known/openid-configuration`).then(
    () => undefined,
    (failure) => failure?.cause?.code,
  );
  print({ error: { name: error?.name, errorCode: error?.errorCode, causes, tlsError } });
  process.exitCode = 1;
}
