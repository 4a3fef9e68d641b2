import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newRecoveryCodes, recoveryCodeHash } from '../mfa/recovery-codes.js';
import { SealedValueError } from '../mfa/secret-box.js';
import type { MfaSecrets } from '../mfa/secrets.js';
import { groupedKey, matchTotp, newTotpSecret, totpUri } from '../mfa/totp.js';
import { mfaEnrolPage } from '../views/mfa-enrol-page.js';
import { recoveryCodesPage } from '../views/recovery-codes-page.js';
import { mfaStep, signedInFields, type MfaStep } from './mfa-step.js';
import { PATHS } from './paths.js';
import { formField, sendPage, startSession, type VerificationDeps } from './shared.js';

type Ready = Extract<MfaStep, { kind: 'ready' }>;

/** The enrolment's secret from the session, if it holds one sealed for this user. */
function sessionSecret(secrets: MfaSecrets, step: Ready): string | undefined {
  const sealed = step.session.totpEnrolment;
  if (sealed === undefined) return undefined;
  try {
    return secrets.inSession.open(sealed, step.user.id);
  } catch (error) {
    if (error instanceof SealedValueError) return undefined;
    throw error;
  }
}

/**
 * The enrolment page. The secret is drawn once per session and kept sealed (AES-256-GCM under a
 * key derived from the cookie secret) in the signed session cookie: reloading shows the same QR
 * code, and the browser cannot read or swap it.
 */
export function showEnrolment(
  deps: VerificationDeps,
  secrets: MfaSecrets,
  request: FastifyRequest,
  reply: FastifyReply,
  step: Ready,
  status = 200,
): FastifyReply {
  let session = step.session;
  let secret = sessionSecret(secrets, step);
  if (secret === undefined) {
    secret = newTotpSecret();
    const totpEnrolment = secrets.inSession.seal(secret, step.user.id);
    const fields = signedInFields(step.session, step.record, step.user);
    session = startSession(
      deps,
      request,
      reply,
      { ...fields, secondFactor: 'pending', totpEnrolment },
      deps.context.clock.now(),
    );
  }
  return sendPage(
    reply,
    status,
    mfaEnrolPage({
      csrf: deps.csrf.token(session),
      tenant: step.user.tenant,
      uri: totpUri(secret, step.user.tenant, step.user.username),
      keyGroups: groupedKey(secret),
      ...(status === 200 ? {} : { invalid: true }),
    }),
  );
}

/**
 * `POST /device/mfa/enrol`: confirms the enrolment with a current code from the app. On success
 * the secret is stored sealed (`mfaEncryptionSecret`), with the time step of the confirming code
 * as its last use (so that code cannot be used again) and the hashes of ten new recovery codes, in
 * one write that only the first of two tabs wins; the codes are shown once, and the session
 * records the second factor as passed. A wrong code shows the same QR code again.
 */
export function registerMfaEnrol(scope: FastifyInstance, deps: VerificationDeps, secrets: MfaSecrets): void {
  scope.post(PATHS.mfaEnrol, async (request, reply) => {
    const step = await mfaStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    // Enrolled meanwhile (another tab): that enrolment's code is asked for instead.
    if (step.need.kind !== 'enrol') return reply.redirect(PATHS.mfa, 303);
    const secret = sessionSecret(secrets, step);
    if (secret === undefined) return reply.redirect(PATHS.mfa, 303);
    const { store, clock } = deps.context;
    const now = clock.now();
    // Not charged to the sign-in budgets, unlike verification (mfa-verify.ts): this session has
    // passed the password and holds the secret it is confirming (it is on its own page), so a
    // guessed code gains nothing, while a user fumbling with a new app must not lock the account.
    const matched = matchTotp(secret, formField(request.body, 'code') ?? '', now);
    if (matched === undefined) return showEnrolment(deps, secrets, request, reply, step, 400);
    const codes = newRecoveryCodes();
    const enrolled = await store.enrolTotp(
      {
        userId: step.user.id,
        sealedSecret: secrets.atRest.seal(secret, step.user.id),
        enrolledAt: now,
        lastUsedStep: matched,
      },
      codes.map(recoveryCodeHash),
    );
    if (!enrolled) return reply.redirect(PATHS.mfa, 303);
    startSession(
      deps,
      request,
      reply,
      { ...signedInFields(step.session, step.record, step.user), secondFactor: 'verified' },
      now,
    );
    request.log.info({ userId: step.user.id, deviceCodeId: step.record.id }, 'TOTP enrolled');
    // Shown once: no language switcher (following it would lose the codes).
    return sendPage(reply, 200, recoveryCodesPage(codes), { switcher: false });
  });
}
