import type { AuthenticationResult } from '@devicelogin/client';
import {
  parseCommandLine,
  DPOP_HELP,
  DPOP_OPTION,
  TARGET_HELP,
  TARGET_OPTIONS,
  targetFlagsOf,
  expectPositionals,
} from '../../args.js';
import type { Command } from '../../command.js';
import type { TargetFlags } from '../../config/target.js';
import type { CliContext } from '../../context.js';
import { CliError, UsageError } from '../../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { openSession, type Session } from '../../session.js';
import { acquireToken } from '../token/acquire.js';
import { claimsChallenge, invalidTokenChallenge } from './challenge.js';
import { defaultContentType, parseHeader, readData, resolveApiUrl, type ApiRequest } from './request.js';

/** Options of `devicelogin api`. */
export interface ApiOptions {
  readonly target: TargetFlags;
  readonly request: ApiRequest;
  readonly account: string | undefined;
  readonly interactive: boolean;
}

const help = `devicelogin api — call a web API with the access token

Usage: devicelogin api <url | /path> [-X METHOD] [-d DATA] [-H "Name: value"]… [options]

Gets a token as 'devicelogin token' does, sends the request with "Authorization: Bearer …",
prints the response body on stdout and, for a status of 400 or more, the status on stderr. A
path is resolved against the authority's origin. A DPoP-bound token (login --dpop) is sent as
"Authorization: DPoP …" with a "DPoP" proof for this method and URL; when the API demands a
DPoP nonce (401, error="use_dpop_nonce"), the request is sent once more with it. When the API
answers 401 with a claims challenge (Continuous Access Evaluation, Bearer or DPoP), the token is
renewed with those claims and the request is sent once more; when it answers 401
error="invalid_token" to a cached token (revoked at the server), the token is renewed and the
request sent once more, and a revoked session ends in exit 4 (sign-in needed). Tokens go only to https URLs, or
plain http on 127.0.0.1/localhost.

${TARGET_HELP}

Options:
  -X, --method METHOD     default GET, or POST with -d
  -d, --data DATA         request body; @file reads a file, @- reads stdin
  -H, --header "N: v"     an extra header (repeatable); Content-Type defaults to JSON or form
      --account A         the account when several are signed in
      --interactive       sign in with a device code when needed
${DPOP_HELP}

Examples:
  devicelogin api /api/me --profile demo
  devicelogin api https://graph.microsoft.com/v1.0/me --scopes User.Read
  devicelogin api https://api.example.com/items -X POST -d '{"name":"x"}' -H "X-Trace: 1"

Exit codes: 0 status below 400, 7 status 4xx, 8 status 5xx, 1 the token server refused or answered
unexpectedly, 2 usage, 3 declined or expired (--interactive), 4 sign-in needed, 5 network,
6 token storage, 130 Ctrl+C.`;

/** The exit code for an HTTP status. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status >= 500) return EXIT.httpServerError;
  if (status >= 400) return EXIT.httpClientError;
  return EXIT.ok;
}

async function send(
  context: CliContext,
  session: Session,
  url: URL,
  request: ApiRequest,
  body: string | undefined,
  token: AuthenticationResult,
): Promise<Response> {
  const headers = new Headers(request.headers.map(([name, value]) => [name, value]));
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', defaultContentType(body));
  try {
    // Authorization (and a DPoP proof for a DPoP token), one retry on a DPoP nonce challenge.
    return await session.app.fetchResource({
      token,
      url: url.href,
      method: request.method,
      headers,
      signal: context.signal,
      ...(body === undefined ? {} : { body }),
    });
  } catch (error) {
    if (context.signal.aborted || !(error instanceof session.client.NetworkError)) throw error;
    const code = (error.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    throw new CliError(
      `Cannot reach ${url.origin}${typeof code === 'string' ? ` (${code})` : ''}.`,
      EXIT.network,
      'Check the URL and the network.',
    );
  }
}

/**
 * How to renew the token after a `401`, or undefined when renewing cannot help: a claims
 * challenge (CAE) is answered with a token for those claims; `invalid_token` to a token from the
 * cache (revoked at the server before its expiry) with a refreshed one.
 */
function renewalFor(
  challenge: string | null,
  token: AuthenticationResult,
): { readonly message: string; readonly how: { claims: string } | { forceRefresh: true } } | undefined {
  const claims = claimsChallenge(challenge);
  if (claims !== undefined) return { message: 'The API asked for new claims (claims challenge)', how: { claims } };
  if (token.fromCache && invalidTokenChallenge(challenge)) {
    return { message: 'The API refused the cached token (invalid_token)', how: { forceRefresh: true } };
  }
  return undefined;
}

/** `devicelogin api`. */
export const apiCommand: Command<ApiOptions> = {
  help,
  parse(args) {
    const { values, positionals } = parseCommandLine('api', args, {
      ...TARGET_OPTIONS,
      ...DPOP_OPTION,
      method: { type: 'string', short: 'X' },
      data: { type: 'string', short: 'd' },
      header: { type: 'string', short: 'H', multiple: true },
      account: { type: 'string' },
      interactive: { type: 'boolean', default: false },
    });
    expectPositionals('api', positionals, 1);
    const url = positionals[0];
    if (url === undefined) throw new UsageError('Which URL?', 'Example: devicelogin api /api/me');
    const method = (values.method ?? (values.data === undefined ? 'GET' : 'POST')).toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new UsageError(`-X "${values.method}" is not an HTTP method.`);
    return {
      target: targetFlagsOf(values),
      request: { url, method, headers: (values.header ?? []).map(parseHeader), data: values.data },
      account: values.account,
      interactive: values.interactive,
    };
  },
  async run(options, context) {
    const session = await openSession(context, options.target, { write: options.interactive });
    const url = resolveApiUrl(options.request.url, session.app.authority);
    const body = await readData(options.request.data, context);
    const acquire = { account: options.account, interactive: options.interactive };
    const token = await acquireToken(context, session, acquire);
    let response = await send(context, session, url, options.request, body, token);
    const renewal = response.status === 401 ? renewalFor(response.headers.get('www-authenticate'), token) : undefined;
    if (renewal !== undefined) {
      // One retry with a renewed token; if that needs a sign-in, acquireToken says so (exit 4).
      await response.body?.cancel();
      context.io.stderr.write(`${renewal.message}; renewing the token and retrying once.\n`);
      const renewed = await acquireToken(context, session, { ...acquire, ...renewal.how });
      response = await send(context, session, url, options.request, body, renewed);
    }
    const text = await response.text();
    context.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    if (response.status >= 400) context.io.stderr.write(`HTTP ${response.status} ${response.statusText}\n`);
    return exitCodeForStatus(response.status);
  },
};
