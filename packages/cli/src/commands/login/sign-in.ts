import type { AuthenticationResult, DeviceCodeInfo } from '@devicelogin/client';
import type { CliContext } from '../../context.js';
import { runCountdown } from '../../render/countdown.js';
import { renderQr } from '../../render/qr.js';
import { styleFor } from '../../render/style.js';
import { groupUserCode } from '../../render/user-code.js';
import type { Session } from '../../session.js';
import { takeStorageNotice } from '../../store/storage.js';
import { signInScopes } from './default-scopes.js';

/** How the device code is shown. */
export interface SignInDisplay {
  /** JSON lines on stdout (`device_code`, `signed_in`) for wrappers. */
  readonly json: boolean;
  /** Draw a QR code of the complete URL when the server sends one (on a TTY). */
  readonly qr: boolean;
}

const GENERIC_TENANTS = new Set(['common', 'organizations', 'consumers']);

/**
 * How the tenant is named after "Signed in as": the authority's tenant segment when it names one
 * (`contoso`, `contoso.onmicrosoft.com`), else the account's tenant id (`tid`).
 */
export function tenantLabel(tenantId: string, authority: string): string {
  const segment = new URL(authority).pathname.split('/').find((part) => part !== '');
  if (segment !== undefined && !GENERIC_TENANTS.has(segment.toLowerCase()) && segment !== 'adfs') return segment;
  return tenantId;
}

/** Writes one JSON line (an event for wrappers) on stdout. */
export function writeEvent(context: CliContext, event: Record<string, unknown>): void {
  context.io.stdout.write(`${JSON.stringify(event)}\n`);
}

async function showCode(context: CliContext, info: DeviceCodeInfo, display: SignInDisplay): Promise<void> {
  const { io } = context;
  const style = styleFor(io.stderrIsTTY, context.env);
  if (display.json) {
    writeEvent(context, {
      event: 'device_code',
      verification_uri: info.verificationUri,
      user_code: info.userCode,
      ...(info.verificationUriComplete === undefined
        ? {}
        : { verification_uri_complete: info.verificationUriComplete }),
      expires_at: info.expiresAt.toISOString(),
    });
  }
  if (!io.stderrIsTTY) {
    io.stderr.write(`To sign in, open ${info.verificationUri} in a browser and enter the code ${info.userCode}\n`);
    if (info.verificationUriComplete !== undefined) {
      io.stderr.write(`(or open ${info.verificationUriComplete})\n`);
    }
    return;
  }
  io.stderr.write(
    `To sign in, open ${style.bold(info.verificationUri)} in a browser and enter the code:\n\n` +
      `    ${style.bold(groupUserCode(info.userCode))}\n\n`,
  );
  if (info.verificationUriComplete !== undefined) {
    if (display.qr) {
      io.stderr.write(await renderQr(info.verificationUriComplete, style.enabled));
      io.stderr.write(`Or scan this code with a phone; it opens ${info.verificationUriComplete}\n\n`);
    } else {
      io.stderr.write(`Or open ${info.verificationUriComplete}\n\n`);
    }
  }
}

/**
 * The device code sign-in of login, `token --interactive`, kubectl-credential and
 * git-credential: asks for the target's scopes ({@link signInScopes}: defaults on a generic
 * provider without any), shows the URL and code on stderr (QR and countdown on a TTY, JSON events on
 * stdout with `json`), waits for the user, and tells who signed in (and, the first time, that
 * the tokens went to a plaintext file). Ctrl+C (the context's signal) rejects with `cancelled`;
 * the cache is written only after a successful sign-in.
 */
export async function signIn(
  context: CliContext,
  session: Session,
  display: SignInDisplay,
  extra: { readonly claims?: string } = {},
): Promise<AuthenticationResult> {
  const { io } = context;
  const style = styleFor(io.stderrIsTTY, context.env);
  const countdownStop = new AbortController();
  let countdown: Promise<void> = Promise.resolve();
  let result: AuthenticationResult;
  try {
    result = await session.app.acquireTokenByDeviceCode({
      scopes: signInScopes(session.target.scopes, session.app.provider),
      extraParameters: session.target.extraParameters,
      ...(extra.claims === undefined ? {} : { claims: extra.claims }),
      signal: context.signal,
      onDeviceCode: async (info) => {
        await showCode(context, info, display);
        countdown = runCountdown({
          stream: io.stderr,
          isTTY: io.stderrIsTTY,
          clock: context.clock,
          expiresAt: info.expiresAt,
          style,
          signal: countdownStop.signal,
        });
      },
    });
  } finally {
    countdownStop.abort();
    await countdown;
  }
  const account = result.account;
  if (account === undefined) {
    io.stderr.write(
      `${style.yellow('Signed in')}, but the provider returned no id_token: there is no account, so nothing was cached ` +
        `and 'devicelogin token' will not find this sign-in (see docs/cli.md, "Providers without an id_token").\n`,
    );
  } else {
    const tenant = tenantLabel(account.tenantId, session.app.authority);
    io.stderr.write(
      `${style.green('Signed in as')} ${style.bold(account.username || account.homeAccountId)}${tenant === '' ? '' : ` (${tenant})`}\n`,
    );
  }
  // Said once the plaintext file holds the tokens: not before (a failed or cancelled sign-in
  // writes nothing), and not again for a second sign-in of this command.
  const notice = await takeStorageNotice(session.storage);
  if (notice !== undefined) io.stderr.write(`\n${notice}\n`);
  if (display.json) {
    writeEvent(context, {
      event: 'signed_in',
      ...(account === undefined
        ? { account: null, cached: false }
        : {
            account: {
              username: account.username,
              name: account.name ?? null,
              tenant_id: account.tenantId,
              home_account_id: account.homeAccountId,
              environment: account.environment,
            },
            cached: session.storage.persistence !== undefined,
          }),
      scopes: result.scopes,
      expires_on: result.expiresOn?.toISOString() ?? null,
    });
  }
  return result;
}
