import { findSigningUser } from './user-lookup.js';
import type { FastifyInstance } from 'fastify';
import { hashPassword, randomToken, verifyPassword } from '../crypto.js';
import { secondFactorNeed } from '../mfa/policy.js';
import type { UserRecord } from '../store/store.js';
import { signInPage } from '../views/sign-in-page.js';
import { PATHS } from './paths.js';
import { pendingStep, formField, sendPage, startSession, type VerificationDeps } from './shared.js';
import { chargeSignInFailure, countSignInAttempt, signInCounters } from './sign-in-budget.js';

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;

/** A hash to check passwords of unknown users against, so they take as long as known ones. */
let decoyHash: Promise<string> | undefined;

async function passwordMatches(user: UserRecord | undefined, password: string): Promise<boolean> {
  const stored = user?.passwordHash ?? (await (decoyHash ??= hashPassword(randomToken())));
  const matches = await verifyPassword(password, stored);
  return matches && user !== undefined && !user.disabled;
}

/**
 * `GET /device/signin` asks for username and password in the code's tenant; `POST` checks them
 * within per-IP and per-account failure budgets (the attempt is counted first, atomically, and
 * given back when right: sign-in-budget.ts). An unknown user, a wrong password and a disabled
 * account get the same page (and the same scrypt work); success rotates the session and binds it
 * to the user, then goes on to the second factor (mfa-*.ts) when one is needed, else to consent. Failures also count against the device code itself: the
 * one that uses up its budget denies the code (the device gets `access_denied`) and the page says
 * it was blocked, so a phished or guessed code cannot be used to try passwords.
 */
export function registerSignIn(scope: FastifyInstance, deps: VerificationDeps): void {
  scope.get(PATHS.signIn, async (request, reply) => {
    const step = await pendingStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    if (step.session.userId !== undefined) return reply.redirect(PATHS.consent, 303);
    return sendPage(reply, 200, signInPage({ csrf: deps.csrf.token(step.session), tenant: step.record.tenant }));
  });

  scope.post(PATHS.signIn, async (request, reply) => {
    const step = await pendingStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    const { session, record } = step;
    const { store, clock } = deps.context;
    const now = clock.now();
    const username = (formField(request.body, 'username') ?? '').trim().slice(0, MAX_USERNAME);
    const password = formField(request.body, 'password') ?? '';
    const budget = signInCounters(deps, request.ip, record.tenant, username);
    const attempt = await countSignInAttempt(deps, request, reply, budget, record, 'sign-ins');
    if (attempt.kind === 'refused') return attempt.reply;
    const user = username === '' ? undefined : await findSigningUser(deps.context, record.tenant, username);
    const ok = password.length <= MAX_PASSWORD && (await passwordMatches(user, password));
    if (!ok || user === undefined) {
      const blocked = await chargeSignInFailure(deps, request, reply, record, 'sign-ins');
      if (blocked !== undefined) return blocked;
      const csrf = deps.csrf.token(session);
      return sendPage(reply, 401, signInPage({ csrf, tenant: record.tenant, username, invalid: true }));
    }
    await attempt.succeeded();
    // A second factor (TOTP, or enrolment when the tenant requires one) comes before consent.
    const needsSecondFactor = (await secondFactorNeed(store, user)).kind !== 'none';
    startSession(
      deps,
      request,
      reply,
      {
        recordId: record.id,
        recordKey: record.deviceCodeHash,
        userId: user.id,
        expiresAt: session.expiresAt,
        ...(needsSecondFactor ? { secondFactor: 'pending' as const } : {}),
      },
      now,
    );
    return reply.redirect(needsSecondFactor ? PATHS.mfa : PATHS.consent, 303);
  });
}
