import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secondFactorNeed } from '../mfa/policy.js';
import { consentPage } from '../views/consent-page.js';
import { failurePage } from '../views/failure-page.js';
import { PATHS } from './paths.js';
import { signedInStep, type SignedInStep } from './signed-in-step.js';
import { DONE_SESSION_MS, codeGone, formField, sendPage, sessionRecord, type VerificationDeps } from './shared.js';

/**
 * The session's pending code and signed-in user, or the answer when either is missing. A user
 * who needs a second factor (enrolled, or in a tenant requiring MFA: decided from the store, not
 * from the session alone) and has not passed it in this session is sent to the MFA step.
 */
async function consentStep(
  deps: VerificationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedInStep> {
  const step = await signedInStep(deps, request, reply);
  if (step.kind === 'answered') return step;
  if (step.session.secondFactor !== 'verified') {
    const need = await secondFactorNeed(deps.context.store, step.user);
    if (need.kind !== 'none') return { kind: 'answered', reply: reply.redirect(PATHS.mfa, 303) };
  }
  return step;
}

/**
 * `GET /device/consent` shows what is being approved and where the request came from;
 * `POST /device/consent` with `action=allow` approves the bound code for the signed-in user with
 * the requested scopes, `action=deny` denies it. Either way the session forgets the user and
 * remembers the outcome for the done page; a second decision finds the code already used.
 */
export function registerConsent(scope: FastifyInstance, deps: VerificationDeps): void {
  scope.get(PATHS.consent, async (request, reply) => {
    const step = await consentStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    const { session, record, user } = step;
    const client = await deps.context.store.findClient(record.clientId);
    return sendPage(
      reply,
      200,
      consentPage({
        csrf: deps.csrf.token(session),
        appName: client?.name ?? record.clientId,
        user: { displayName: user.displayName, username: user.username },
        scopes: record.scope.split(' ').filter((s) => s !== ''),
        requestedAt: record.createdAt,
        device: { ip: record.requestIp, userAgent: record.requestUserAgent },
        browser: { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' },
        now: deps.context.clock.now(),
      }),
    );
  });

  scope.post(PATHS.consent, async (request, reply) => {
    const action = formField(request.body, 'action');
    if (action !== 'allow' && action !== 'deny') return sendPage(reply, 400, failurePage());
    const step = await consentStep(deps, request, reply);
    if (step.kind === 'answered') return step.reply;
    const { session, record, user } = step;
    const { store, clock } = deps.context;
    const now = clock.now();
    const decided =
      action === 'allow'
        ? await store.approveDeviceCode(record.id, user.id, record.scope, now, {
            // The approval record keeps where it was approved from (docs/security.md).
            ip: request.ip,
            userAgent: (request.headers['user-agent'] ?? '').slice(0, 512),
          })
        : await store.denyDeviceCode(record.id, now);
    if (!decided) return codeGone(deps, request, reply, await sessionRecord(deps, session), now);
    deps.context.metrics.decisions.inc({ outcome: action === 'allow' ? 'approved' : 'denied' });
    await deps.context.events.publish(record.id); // wakes a held token request (long-poll)
    // Same nonce: a re-posted form (back button, second tab) reaches "already used", not a 403.
    deps.sessions.write(
      reply,
      request,
      {
        nonce: session.nonce,
        recordId: record.id,
        recordKey: record.deviceCodeHash,
        outcome: action === 'allow' ? 'approved' : 'denied',
        expiresAt: now + DONE_SESSION_MS,
      },
      now,
    );
    return reply.redirect(PATHS.done, 303);
  });
}
