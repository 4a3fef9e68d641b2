/**
 * TOTP for tests: codes computed with `otpauth` (independently of the server's helpers) at the
 * fake clock's time, the manual key and recovery codes read out of the enrolment pages, and an
 * enrolment written straight into the store for tests that start from an enrolled user.
 */
import { Secret, TOTP } from 'otpauth';
import type { ServerContext } from '../../src/context.js';
import { mfaSecrets } from '../../src/mfa/secrets.js';
import { recoveryCodeHash } from '../../src/mfa/recovery-codes.js';
import type { UserRecord } from '../../src/store/store.js';

/** The code of a base32 secret at `at` (epoch ms), shifted by `steps` time steps of 30 s. */
export function totpCode(secret: string, at: number, steps = 0): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: at + steps * 30_000,
  });
}

/** A new random base32 secret (160 bits). */
export function randomSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The manual key shown on the enrolment page, without its spaces. */
export function manualKeyOf(html: string): string {
  const match = /<p class="totp-key">[\s\S]*?<span aria-hidden="true">([A-Z2-7 ]+)<\/span/.exec(html);
  if (match?.[1] === undefined) throw new Error('no manual key on the page');
  return match[1].replace(/\s+/g, '');
}

/** The recovery codes listed on the page shown after enrolment. */
export function recoveryCodesOf(html: string): string[] {
  return [...html.matchAll(/<li><code><span aria-hidden="true">([a-z0-9-]+)<\/span/g)].map((m) => m[1] ?? '');
}

/** Fixed recovery codes for {@link enrolDirectly}. */
export const KNOWN_RECOVERY_CODES = ['aaaa-bbbb-cccc-dddd', 'eeee-ffff-gggg-hhhh'] as const;

/**
 * Enrols `user` in the store as the enrolment page would (secret sealed with the server's own
 * at-rest box, last used step well in the past) with {@link KNOWN_RECOVERY_CODES}; returns the secret.
 */
export async function enrolDirectly(
  context: Pick<ServerContext, 'config' | 'cookieSecret' | 'store'>,
  user: Pick<UserRecord, 'id'>,
  enrolledAt: number,
  secret = randomSecret(),
): Promise<string> {
  const ok = await context.store.enrolTotp(
    {
      userId: user.id,
      sealedSecret: mfaSecrets(context).atRest.seal(secret, user.id),
      enrolledAt,
      lastUsedStep: 0,
    },
    KNOWN_RECOVERY_CODES.map(recoveryCodeHash),
  );
  if (!ok) throw new Error('the user is already enrolled');
  return secret;
}
