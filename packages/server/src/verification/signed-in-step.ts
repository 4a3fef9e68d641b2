import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VerificationSession } from '../middleware/session.js';
import type { DeviceCodeRecord, UserRecord } from '../store/store.js';
import { PATHS } from './paths.js';
import { pendingStep, startSession, type VerificationDeps } from './shared.js';

/** A step after the password: the pending code and the signed-in user, or the answer already sent. */
export type SignedInStep =
  | {
      readonly kind: 'ready';
      readonly session: VerificationSession;
      readonly record: DeviceCodeRecord;
      readonly user: UserRecord;
    }
  | { readonly kind: 'answered'; readonly reply: FastifyReply };

/**
 * The session's pending code and signed-in user. Without a pending code: what `pendingStep`
 * answers. Without a usable user (none, disabled since, or of another tenant than the code's):
 * the session forgets the user (and any second factor) and the browser goes back to sign-in.
 */
export async function signedInStep(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedInStep> {
  const pending = await pendingStep(deps, request, reply);
  if (pending.kind === 'answered') return pending;
  const { session, record } = pending;
  const user = session.userId === undefined ? undefined : await deps.context.store.findUserById(session.userId);
  if (user === undefined || user.disabled || (record.tenant !== 'common' && user.tenant !== record.tenant)) {
    const now = deps.context.clock.now();
    startSession(
      deps,
      request,
      reply,
      { recordId: record.id, recordKey: record.deviceCodeHash, expiresAt: session.expiresAt },
      now,
    );
    return { kind: 'answered', reply: reply.redirect(PATHS.signIn, 303) };
  }
  return { kind: 'ready', session, record, user };
}
