/**
 * Per-client policy on the code entry page: a deep link (`/device?user_code=…`) pre-fills the form
 * only with the code of a pending authorization whose client allows deep links. Without this, an
 * attacker could build the link the server no longer sends for a client with `deepLinkEnabled`
 * off, and the switch would change nothing.
 *
 * Deciding takes a lookup, which must not become a free guessing oracle: a linked code that does
 * not pre-fill (unknown, expired, used, denied, or its client refuses deep links — all alike)
 * counts as one code-entry failure, exactly as the same code typed into the form would; with the
 * budget spent, nothing is looked up and nothing pre-filled. A code that does pre-fill tells no
 * more than submitting it would (the form then moves on to sign-in), and counts as a success.
 * The check is the form's (`checkCodeEntry`): the attempt is counted, atomically, before the
 * lookup, so concurrent deep links cannot all pass it before a failure is written.
 */
import { userCodeHash } from '../crypto.js';
import { checkCodeEntry } from './code-entry-budget.js';
import { isPending, type VerificationDeps } from './shared.js';

/**
 * The linked code, if the page may pre-fill it; else undefined (the empty form).
 *
 * @param linked - the deep link's code, already checked to be well-formed (undefined when absent
 *   or malformed: then nothing is looked up or counted, as before).
 * @param ip - the request's address: its code-entry budgets (code-entry-budget.ts) apply.
 */
export async function prefillAllowed(
  deps: VerificationDeps,
  ip: string,
  linked: string | undefined,
  now: number,
): Promise<string | undefined> {
  if (linked === undefined) return undefined;
  const { store } = deps.context;
  const budget = await checkCodeEntry(store, deps.limits, ip, now, 'prefill');
  if (budget.retryAt !== undefined) return undefined;
  const record = await store.findDeviceCodeByUserCode(userCodeHash(linked));
  const client = record === undefined || !isPending(record, now) ? undefined : await store.findClient(record.clientId);
  if (client?.deepLinkEnabled !== true) return undefined; // the attempt counted is the failure
  await budget.recordSuccess();
  return linked;
}
