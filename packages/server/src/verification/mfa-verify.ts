import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeRecoveryCode, recoveryCodeHash } from '../mfa/recovery-codes.js';
import type { MfaSecrets } from '../mfa/secrets.js';
import { matchTotp } from '../mfa/totp.js';
import type { TotpEnrolment } from '../store/store.js';
import { mfaPage } from '../views/mfa-page.js';
import { showEnrolment } from './mfa-enrol.js';
import { mfaStep, secondFactorPassed } from './mfa-step.js';
import { PATHS } from './paths.js';
import { formField, sendPage, type VerificationDeps } from './shared.js';
import { chargeSignInFailure, countSignInAttempt, signInCounters } from './sign-in-budget.js';

const MAX_RECOVERY_CODE = 64;

/** Which form was used. */
type Method = 'totp' | 'recovery';

/**
 * One attempt with a TOTP or recovery code, for an enrolled user: counted against the sign-in
 * budgets first (atomically; an exhausted budget answers 429 without looking at the code), then
 * checked; on failure counted against the device code too, on success given back to the budgets.
 * Wrong, stale (outside ±1 step), replayed and malformed codes, and unknown or used recovery
 * codes, all get the one same page.
 */
async function attempt(
  deps: VerificationDeps,
  secrets: MfaSecrets,
  request: FastifyRequest,
  reply: FastifyReply,
  method: Method,
): Promise<FastifyReply> {
  const step = await mfaStep(deps, request, reply);
  if (step.kind === 'answered') return step.reply;
  if (step.need.kind !== 'verify') return reply.redirect(PATHS.mfa, 303);
  const now = deps.context.clock.now();
  const budget = signInCounters(deps, request.ip, step.record.tenant, step.user.username);
  const counted = await countSignInAttempt(deps, request, reply, budget, step.record, 'second-factor codes');
  if (counted.kind === 'refused') return counted.reply;
  const input = formField(request.body, method === 'totp' ? 'code' : 'recovery_code') ?? '';
  if (await accepted(deps, secrets, step.user.id, step.need.enrolment, method, input, now)) {
    await counted.succeeded();
    return secondFactorPassed(deps, request, reply, step);
  }
  const blocked = await chargeSignInFailure(deps, request, reply, step.record, 'second-factor codes');
  if (blocked !== undefined) return blocked;
  const csrf = deps.csrf.token(step.session);
  return sendPage(reply, 401, mfaPage({ csrf, invalid: true, recovery: method === 'recovery' }));
}

/** Whether the code is right and, in the same store write, not used before. */
async function accepted(
  deps: VerificationDeps,
  secrets: MfaSecrets,
  userId: string,
  enrolment: TotpEnrolment,
  method: Method,
  input: string,
  now: number,
): Promise<boolean> {
  const { store } = deps.context;
  if (method === 'recovery') {
    const code = normalizeRecoveryCode(input.slice(0, MAX_RECOVERY_CODE));
    return code !== undefined && (await store.consumeRecoveryCode(userId, recoveryCodeHash(code), now));
  }
  // Throws SealedValueError (→ 500, logged without the value) if the secret cannot be opened:
  // failing closed, never skipping the factor.
  const secret = secrets.atRest.open(enrolment.sealedSecret, userId);
  const matched = matchTotp(secret, input, now);
  return matched !== undefined && (await store.useTotpStep(userId, matched, now));
}

/**
 * `GET /device/mfa` shows the step the signed-in user needs: the code form for an enrolled user,
 * the enrolment (mfa-enrol.ts) for one who must enrol, or goes on to consent. `POST /device/mfa`
 * checks a TOTP code; `POST /device/mfa/recovery` a recovery code (each works once). Each
 * accepted TOTP time step is recorded atomically, so a code (or an earlier one) is never accepted
 * twice, even from two tabs at once.
 */
export function registerMfaVerify(scope: FastifyInstance, deps: VerificationDeps, secrets: MfaSecrets): void {
  scope.get(PATHS.mfa, async (request, reply) => {
    const step = await mfaStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    if (step.need.kind === 'enrol') return showEnrolment(deps, secrets, request, reply, step);
    return sendPage(reply, 200, mfaPage({ csrf: deps.csrf.token(step.session) }));
  });
  scope.post(PATHS.mfa, (request, reply) => attempt(deps, secrets, request, reply, 'totp'));
  scope.post(PATHS.mfaRecovery, (request, reply) => attempt(deps, secrets, request, reply, 'recovery'));
}
