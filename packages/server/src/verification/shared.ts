import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import type { CsrfTokens } from '../middleware/csrf.js';
import type { SessionCookies, SessionFields, VerificationSession } from '../middleware/session.js';
import type { DeviceCodeRecord } from '../store/store.js';
import { alreadyUsedPage } from '../views/already-used-page.js';
import { codeEntryPage } from '../views/code-entry-page.js';
import type { Page } from '../views/page.js';
import type { VerificationLimits } from './limits.js';
import { pageContext, type SwitcherOptions } from './page-language.js';
import { PATHS } from './paths.js';

/** What every verification step is given. */
export interface VerificationDeps {
  readonly context: ServerContext;
  readonly limits: VerificationLimits;
  readonly sessions: SessionCookies;
  readonly csrf: CsrfTokens;
}

/** Lifetime of the session a blank code entry form starts. */
export const ENTRY_SESSION_MS = 60 * 60_000;
/** Longest lifetime of a session holding a device code (it also ends with the code). */
export const FLOW_SESSION_MS = 15 * 60_000;
/** Lifetime of the session that only remembers how the flow ended. */
export const DONE_SESSION_MS = 10 * 60_000;

/** Sends an HTML page in the request's language, with its language switcher (page-language.ts). */
export function sendPage(
  reply: FastifyReply,
  status: number,
  page: Page,
  switcher: SwitcherOptions = {},
): FastifyReply {
  const html = page(pageContext(reply.request, reply, switcher));
  return reply.code(status).type('text/html; charset=utf-8').send(html.toString());
}

/** A single string field of a parsed form or query (a repeated field counts as absent). */
export function formField(fields: unknown, name: string): string | undefined {
  if (typeof fields !== 'object' || fields === null) return undefined;
  const value = (fields as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Starts a session with a fresh nonce and sets its cookie. */
export function startSession(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  fields: SessionFields,
  now: number,
): VerificationSession {
  const session = deps.sessions.create(fields);
  deps.sessions.write(reply, request, session, now);
  return session;
}

/** The device authorization a session is bound to, if it still exists. */
export async function sessionRecord(
  deps: VerificationDeps,
  session: VerificationSession | undefined,
): Promise<DeviceCodeRecord | undefined> {
  if (session?.recordKey === undefined) return undefined;
  const record = await deps.context.store.findDeviceCodeByHash(session.recordKey);
  return record?.id === session.recordId ? record : undefined;
}

/** Whether the user may still act on a device authorization. */
export function isPending(record: DeviceCodeRecord, now: number): boolean {
  return record.status === 'pending' && record.expiresAt > now;
}

/**
 * Answers for a code this browser held that can no longer be acted on: already decided → "already
 * used" (409); expired or gone → back to code entry with the one "code didn't work" message.
 */
export function codeGone(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  record: DeviceCodeRecord | undefined,
  now: number,
): FastifyReply {
  if (record !== undefined && record.status !== 'pending') return sendPage(reply, 409, alreadyUsedPage());
  const session = startSession(deps, request, reply, { expiresAt: now + ENTRY_SESSION_MS }, now);
  return sendPage(reply, 400, codeEntryPage({ csrf: deps.csrf.token(session), invalid: true }));
}

/** A step that has a pending code, or the answer already sent when it has none. */
export type PendingStep =
  | { readonly kind: 'ready'; readonly session: VerificationSession; readonly record: DeviceCodeRecord }
  | { readonly kind: 'answered'; readonly reply: FastifyReply };

/** The session's pending device code, or the answer when there is none. */
export async function pendingStep(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PendingStep> {
  const now = deps.context.clock.now();
  const session = deps.sessions.read(request, now);
  if (session?.recordId === undefined) return { kind: 'answered', reply: reply.redirect(PATHS.codeEntry, 303) };
  const record = await sessionRecord(deps, session);
  if (record === undefined || !isPending(record, now)) {
    return { kind: 'answered', reply: codeGone(deps, request, reply, record, now) };
  }
  return { kind: 'ready', session, record };
}
