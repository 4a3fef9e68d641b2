import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VerificationSession } from '../middleware/session.js';
import { secondFactorNeed, type SecondFactorNeed } from '../mfa/policy.js';
import type { DeviceCodeRecord, UserRecord } from '../store/store.js';
import { PATHS } from './paths.js';
import { startSession, type VerificationDeps } from './shared.js';
import { signedInStep } from './signed-in-step.js';

/** A second-factor step: the signed-in user and what they must do, or the answer already sent. */
export type MfaStep =
  | {
      readonly kind: 'ready';
      readonly session: VerificationSession;
      readonly record: DeviceCodeRecord;
      readonly user: UserRecord;
      readonly need: Exclude<SecondFactorNeed, { readonly kind: 'none' }>;
    }
  | { readonly kind: 'answered'; readonly reply: FastifyReply };

/**
 * The signed-in user's second-factor step. Already passed in this session, or none needed (no
 * enrolment, tenant not requiring MFA): on to consent.
 */
export async function mfaStep(deps: VerificationDeps, request: FastifyRequest, reply: FastifyReply): Promise<MfaStep> {
  const step = await signedInStep(deps, request, reply);
  if (step.kind === 'answered') return step;
  if (step.session.secondFactor === 'verified') return { kind: 'answered', reply: reply.redirect(PATHS.consent, 303) };
  const need = await secondFactorNeed(deps.context.store, step.user);
  if (need.kind === 'none') return { kind: 'answered', reply: reply.redirect(PATHS.consent, 303) };
  return { ...step, need };
}

/** The session fields binding a browser to its code and user, without any second-factor state. */
export function signedInFields(
  session: VerificationSession,
  record: DeviceCodeRecord,
  user: UserRecord,
): { recordId: string; recordKey: string; userId: string; expiresAt: number } {
  return { recordId: record.id, recordKey: record.deviceCodeHash, userId: user.id, expiresAt: session.expiresAt };
}

/** Records in a fresh session (new nonce) that the second factor was passed, and goes on to consent. */
export function secondFactorPassed(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  step: Extract<MfaStep, { kind: 'ready' }>,
): FastifyReply {
  const now = deps.context.clock.now();
  startSession(
    deps,
    request,
    reply,
    { ...signedInFields(step.session, step.record, step.user), secondFactor: 'verified' },
    now,
  );
  request.log.info({ userId: step.user.id, deviceCodeId: step.record.id }, 'second factor passed');
  return reply.redirect(PATHS.consent, 303);
}
