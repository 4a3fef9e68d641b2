/**
 * `devicelogin-admin approvals …`: detect and remediate device-code phishing (RFC 10027). `list`
 * shows who approved which client, from where, next to where the code was requested, flagging
 * approvals made from another IP address than the request's; `revoke` ends everything issued
 * from one approval (by its id, or by the user code the user reports) at once.
 */
import { normalizeUserCode } from '@devicelogin/protocol';
import { userCodeHash } from '../crypto.js';
import type { ApprovalRecord } from '../store/store.js';
import { WELL_FORMED_USER_CODE } from '../verification/linked-code.js';
import {
  defineCommand,
  isoTime,
  optionalString,
  type CommandContext,
  type CommandGroup,
  type Column,
  type ParsedValues,
} from './command.js';
import { NotFoundError, UsageError } from './errors.js';
import { userByName } from './user-by-name.js';

/** Options of `approvals list`. */
export interface ApprovalsListOptions {
  readonly tenant: string | undefined;
  /** A username (resolved to the user's id). */
  readonly user: string | undefined;
  readonly clientId: string | undefined;
  /** Approvals at or after this time. */
  readonly since: Since | undefined;
  readonly limit: number;
}

/** `--since`: a fixed time (epoch ms) or a duration before the command runs. */
export type Since = { readonly at: number } | { readonly agoMs: number };

/** Options of `approvals revoke`: exactly one of the two. */
export type ApprovalsRevokeOptions = { readonly id: string } | { readonly code: string };

/** What became of an approval. */
export type ApprovalState = 'not redeemed' | 'redeemed' | 'revoked';

/** An approval as shown. */
export interface ApprovalView {
  readonly id: string;
  readonly approvedAt: string;
  readonly tenant: string;
  /** The username, or undefined when the user no longer exists (`subject` remains). */
  readonly user: string | undefined;
  readonly subject: string;
  readonly clientId: string;
  readonly scope: string;
  readonly requestedAt: string;
  readonly requestIp: string;
  readonly requestUserAgent: string;
  readonly approveIp: string;
  readonly approveUserAgent: string;
  readonly state: ApprovalState;
  /** The code was approved from another IP address than the one that requested it. */
  readonly ipMismatch: boolean;
  readonly grantId: string | undefined;
  readonly redeemedAt: string | undefined;
  readonly revokedAt: string | undefined;
}

/** Default and largest `--limit`. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;

/** `--since` durations. */
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The state of an approval. */
export function approvalState(approval: ApprovalRecord): ApprovalState {
  if (approval.revokedAt !== undefined) return 'revoked';
  return approval.grantId === undefined ? 'not redeemed' : 'redeemed';
}

/** An IPv4 address and its IPv4-mapped IPv6 form (`::ffff:192.0.2.1`) are the same address. */
function address(ip: string): string {
  return ip
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/**
 * The phishing signal: the code was approved from another address than the one that requested
 * it. Device-code phishing needs exactly that (the attacker requests, the victim approves); a
 * legitimate user approving on a phone on mobile data, or through a VPN, raises it too.
 */
export function ipMismatch(approval: ApprovalRecord): boolean {
  return address(approval.requestIp) !== address(approval.approveIp);
}

function view(approval: ApprovalRecord, usernames: ReadonlyMap<string, string | undefined>): ApprovalView {
  const time = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : isoTime(ms));
  return {
    id: approval.id,
    approvedAt: isoTime(approval.approvedAt),
    tenant: approval.tenant,
    user: usernames.get(approval.subject),
    subject: approval.subject,
    clientId: approval.clientId,
    scope: approval.grantedScope,
    requestedAt: isoTime(approval.requestedAt),
    requestIp: approval.requestIp,
    requestUserAgent: approval.requestUserAgent,
    approveIp: approval.approveIp,
    approveUserAgent: approval.approveUserAgent,
    state: approvalState(approval),
    ipMismatch: ipMismatch(approval),
    grantId: approval.grantId,
    redeemedAt: time(approval.redeemedAt),
    revokedAt: time(approval.revokedAt),
  };
}

/** The usernames of the approvals' subjects (undefined for users that no longer exist). */
async function usernamesOf(
  context: CommandContext,
  approvals: readonly ApprovalRecord[],
): Promise<Map<string, string | undefined>> {
  const names = new Map<string, string | undefined>();
  for (const subject of new Set(approvals.map((a) => a.subject))) {
    names.set(subject, (await context.store.findUserById(subject))?.username);
  }
  return names;
}

/** `IP (user agent)`, the user agent cut to keep the table readable (`--json` has it whole). */
function origin(ip: string, rawUserAgent: string): string {
  // The requesting device chose its User-Agent: no control characters (C0, DEL, C1 — an 8-bit
  // CSI could drive the admin's terminal) reach the table.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const userAgent = rawUserAgent.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  if (userAgent === '') return ip;
  return `${ip} (${userAgent.length > 40 ? `${userAgent.slice(0, 39)}…` : userAgent})`;
}

const APPROVAL_COLUMNS: readonly Column<ApprovalView>[] = [
  { header: 'APPROVED', value: (a) => a.approvedAt },
  { header: 'USER', value: (a) => a.user ?? `(deleted ${a.subject})` },
  { header: 'CLIENT', value: (a) => a.clientId },
  { header: 'REQUESTED FROM', value: (a) => origin(a.requestIp, a.requestUserAgent) },
  { header: 'APPROVED FROM', value: (a) => origin(a.approveIp, a.approveUserAgent) },
  { header: 'STATE', value: (a) => a.state },
  { header: 'FLAG', value: (a) => (a.ipMismatch ? 'ip-mismatch' : '') },
  { header: 'ID', value: (a) => a.id },
];

/** `--since 24h|7d|30m|90s` (that long before the command runs) or an ISO 8601 time. @throws {UsageError} */
function parseSince(values: ParsedValues): Since | undefined {
  const text = optionalString(values, 'since', 'approvals list');
  if (text === undefined) return undefined;
  const duration = /^(\d+)([smhd])$/.exec(text);
  if (duration !== null) return { agoMs: Number(duration[1]) * UNIT_MS[duration[2]!]! };
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError('--since must be a duration (90s, 30m, 24h, 7d) or an ISO 8601 time', 'approvals list');
  }
  return { at: time };
}

function parseLimit(values: ParsedValues): number {
  const text = optionalString(values, 'limit', 'approvals list');
  if (text === undefined) return DEFAULT_LIMIT;
  const limit = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`, 'approvals list');
  }
  return limit;
}

/** `approvals list`. */
export const approvalsList = defineCommand<ApprovalsListOptions>({
  name: 'list',
  summary: 'list device-code approvals, newest first, flagging those approved from another IP than the request',
  synopsis: '[--tenant <name>] [--user <name>] [--client <id>] [--since <24h|7d|ISO time>] [--limit <n>]',
  options: {
    tenant: { type: 'string' },
    user: { type: 'string' },
    client: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
  },
  optionHelp: [
    ['--tenant <name>', 'only this tenant'],
    ['--user <name>', 'only this user (with --tenant when several tenants have the name)'],
    ['--client <id>', 'only this client'],
    ['--since <when>', 'only approvals since a duration ago (90s, 30m, 24h, 7d) or an ISO 8601 time'],
    ['--limit <n>', `at most n rows (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`],
  ],
  examples: [
    'devicelogin-admin approvals list --since 24h',
    'devicelogin-admin approvals list --tenant contoso --user ada@contoso.example --json',
    'devicelogin-admin approvals list --client my-cli --since 2026-01-01T00:00:00Z --limit 500',
  ],
  parse: (values) => ({
    tenant: optionalString(values, 'tenant', 'approvals list'),
    user: optionalString(values, 'user', 'approvals list'),
    clientId: optionalString(values, 'client', 'approvals list'),
    since: parseSince(values),
    limit: parseLimit(values),
  }),
  async run(options, context) {
    const since = options.since === undefined ? undefined : sinceTime(options.since, context.clock.now());
    const subject =
      options.user === undefined
        ? undefined
        : (await userByName(context, options.user, options.tenant, 'approvals list')).id;
    const approvals = await context.store.listApprovals({
      limit: options.limit,
      ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      ...(subject === undefined ? {} : { subject }),
      ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
      ...(since === undefined ? {} : { since }),
    });
    const usernames = await usernamesOf(context, approvals);
    const rows = approvals.map((approval) => view(approval, usernames));
    context.out.list(rows, APPROVAL_COLUMNS);
    if (rows.length === 0) {
      context.out.message('No approvals match.');
      return;
    }
    const flagged = rows.filter((row) => row.ipMismatch).length;
    if (flagged > 0) {
      context.out.message(
        `${flagged} of ${rows.length} approvals were made from another IP address than the one that requested ` +
          'the code (FLAG ip-mismatch): the sign of device-code phishing, unless the user approved on another ' +
          'network than the device (a phone on mobile data, a VPN). Ask the user; revoke with ' +
          '"devicelogin-admin approvals revoke --id <ID>".',
      );
    }
  },
});

/** The time a `--since` stands for, given the clock now. */
function sinceTime(since: Since, now: number): number {
  return 'at' in since ? since.at : now - since.agoMs;
}

/** What {@link approvalsRevoke} printed and returns with `--json`. */
export interface ApprovalRevocationView {
  readonly approval: ApprovalView;
  /** False when it had been revoked before: nothing changed. */
  readonly newlyRevoked: boolean;
  readonly refreshTokensRevoked: number;
  /** The code was approved but not redeemed yet: it can no longer be. */
  readonly codeCancelled: boolean;
}

function parseRevoke(values: ParsedValues): ApprovalsRevokeOptions {
  const id = optionalString(values, 'id', 'approvals revoke');
  const code = optionalString(values, 'code', 'approvals revoke');
  if ((id === undefined) === (code === undefined)) {
    throw new UsageError('give either --id or --code', 'approvals revoke');
  }
  if (id !== undefined) return { id };
  // As the verification page reads it: case, spaces and dashes ignored.
  if (!WELL_FORMED_USER_CODE.test(normalizeUserCode(code!))) {
    throw new UsageError(
      '--code must be a user code as shown to the user (letters of BCDFGHJKLMNPQRSTVWXZ; case, spaces and dashes ignored)',
      'approvals revoke',
    );
  }
  return { code: code! };
}

/** `approvals revoke`. */
export const approvalsRevoke = defineCommand<ApprovalsRevokeOptions>({
  name: 'revoke',
  summary:
    'revoke everything issued from one approval (its refresh tokens at once, its access tokens at their next use)',
  synopsis: '--id <approval id> | --code <user code>',
  options: { id: { type: 'string' }, code: { type: 'string' } },
  optionHelp: [
    ['--id <id>', 'the approval (its id in "approvals list")'],
    ['--code <code>', 'the most recent approval of this user code, as the user typed it (e.g. WDJB-MJHT)'],
  ],
  examples: [
    'devicelogin-admin approvals revoke --code WDJB-MJHT',
    'devicelogin-admin approvals revoke --id 6f1c2f1e-8a0b-4c47-9d7e-0c8f3b1a2d4e --json',
  ],
  parse: parseRevoke,
  async run(options, context) {
    const found =
      'id' in options
        ? await context.store.findApproval(options.id)
        : await context.store.findLatestApprovalByUserCode(userCodeHash(options.code));
    // The user code is never echoed: messages may end up in logs.
    if (found === undefined) {
      throw new NotFoundError('id' in options ? `no approval ${options.id}` : 'no approval of that user code');
    }
    const result = await context.store.revokeApproval(found.id, context.clock.now());
    if (result === undefined) throw new NotFoundError(`no approval ${found.id}`); // purged meanwhile
    const approval = view(result.approval, await usernamesOf(context, [result.approval]));
    const who = `${approval.user ?? approval.subject} → ${approval.clientId}, approved ${approval.approvedAt} from ${approval.approveIp}`;
    if (!result.newlyRevoked) {
      context.out.message(`Approval ${approval.id} (${who}) was already revoked at ${approval.revokedAt ?? '?'}.`);
    } else {
      const lines = [`Revoked approval ${approval.id} (${who}):`];
      if (result.codeCancelled) lines.push('- the code was approved but not redeemed: it can no longer be redeemed;');
      lines.push(`- ${result.refreshTokensRevoked} refresh token(s) revoked: refreshing fails (invalid_grant);`);
      if (approval.grantId !== undefined) {
        lines.push(`- its access tokens (sid ${approval.grantId}) are refused from their next use (invalid_token).`);
      }
      context.out.message(lines.join('\n'));
    }
    const printed: ApprovalRevocationView = {
      approval,
      newlyRevoked: result.newlyRevoked,
      refreshTokensRevoked: result.refreshTokensRevoked,
      codeCancelled: result.codeCancelled,
    };
    context.out.result(printed);
  },
});

/** The `approvals` group. */
export const approvalsGroup: CommandGroup = {
  name: 'approvals',
  summary: 'list device-code approvals (phishing signal: approved from another IP) and revoke one',
  commands: [approvalsList, approvalsRevoke],
};
