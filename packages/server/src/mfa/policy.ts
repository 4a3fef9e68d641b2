/**
 * Whether a user must pass a second factor, and which step that is: a user with a TOTP
 * enrolment is always asked for a code, whatever the tenant says; a user without one enrols if
 * the tenant requires MFA; otherwise there is no second step. Decided from the store every time
 * (never from the session alone), so an enrolment or a policy change made meanwhile counts.
 */
import type { Store, TotpEnrolment, UserRecord } from '../store/store.js';

/** The second step a user faces after the password. */
export type SecondFactorNeed =
  | { readonly kind: 'none' }
  | { readonly kind: 'verify'; readonly enrolment: TotpEnrolment }
  | { readonly kind: 'enrol' };

/** The second step `user` faces now. */
export async function secondFactorNeed(
  store: Store,
  user: Pick<UserRecord, 'id' | 'tenant'>,
): Promise<SecondFactorNeed> {
  const enrolment = await store.findTotpEnrolment(user.id);
  if (enrolment !== undefined) return { kind: 'verify', enrolment };
  const policy = await store.findTenantPolicy(user.tenant);
  return policy?.mfaRequired === true ? { kind: 'enrol' } : { kind: 'none' };
}
