import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { deriveKey, mac } from './keys.js';

/**
 * The verification pages' state between steps, kept in the browser in one signed cookie. It
 * never holds a user code or a password: only ids, a hash of the device code and a nonce (and,
 * during a TOTP enrolment, the new secret encrypted).
 */
export interface VerificationSession {
  /** Random per session step; CSRF tokens are derived from it (see csrf.ts). */
  readonly nonce: string;
  /** Epoch ms after which the cookie is ignored. */
  readonly expiresAt: number;
  /** The device authorization this browser proved it holds the user code of. */
  readonly recordId?: string;
  /** Its `deviceCodeHash`, the store's lookup key (a SHA-256 of a 256-bit secret: not reversible). */
  readonly recordKey?: string;
  /** The user who signed in for that device authorization. */
  readonly userId?: string;
  /** How the flow ended, for the done page. */
  readonly outcome?: 'approved' | 'denied';
  // --- MFA (verification/mfa-*.ts) ---
  /**
   * The signed-in user's second factor: `pending` after the password when one is needed,
   * `verified` after a TOTP or recovery code (or an enrolment). Consent also checks the store.
   */
  readonly secondFactor?: 'pending' | 'verified';
  /** The TOTP secret of an enrolment in progress, AES-256-GCM sealed (mfa/secrets.ts), never plain. */
  readonly totpEnrolment?: string;
}

/** The session fields besides the nonce, which {@link SessionCookies.create} draws. */
export type SessionFields = Omit<VerificationSession, 'nonce'>;

const VERSION = 'v1';

function isSession(value: unknown): value is VerificationSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const optionalString = (name: string): boolean => v[name] === undefined || typeof v[name] === 'string';
  return (
    typeof v['nonce'] === 'string' &&
    typeof v['expiresAt'] === 'number' &&
    optionalString('recordId') &&
    optionalString('recordKey') &&
    optionalString('userId') &&
    (v['outcome'] === undefined || v['outcome'] === 'approved' || v['outcome'] === 'denied') &&
    (v['secondFactor'] === undefined || v['secondFactor'] === 'pending' || v['secondFactor'] === 'verified') &&
    optionalString('totpEnrolment')
  );
}

/**
 * Reads and writes the session cookie: `v1.<base64url JSON>.<HMAC-SHA256>`, HttpOnly,
 * SameSite=Lax, Path=/; on https `Secure` and named `__Host-devicelogin` (a name browsers only
 * accept from a secure origin for the whole host, so a sibling subdomain cannot plant one).
 * Needs `@fastify/cookie` registered on the app (for parsing and `setCookie`); signs itself.
 */
export class SessionCookies {
  readonly #key: Buffer;

  constructor(cookieSecret: string) {
    this.#key = deriveKey(cookieSecret, 'verification/session');
  }

  /** A new session with a fresh nonce. */
  create(fields: SessionFields): VerificationSession {
    return { ...fields, nonce: randomBytes(16).toString('base64url') };
  }

  /** The valid, unexpired session of the request, or undefined. */
  read(request: FastifyRequest, now: number): VerificationSession | undefined {
    const value = request.cookies[cookieName(request)];
    if (value === undefined) return undefined;
    const [version, payload, signature, extra] = value.split('.');
    if (version !== VERSION || payload === undefined || signature === undefined || extra !== undefined)
      return undefined;
    const expected = Buffer.from(mac(this.#key, `${VERSION}.${payload}`));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
    let session: unknown;
    try {
      session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    return isSession(session) && session.expiresAt > now ? session : undefined;
  }

  /** Sets the cookie, living until the session expires. */
  write(reply: FastifyReply, request: FastifyRequest, session: VerificationSession, now: number): void {
    const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
    const value = `${VERSION}.${payload}.${mac(this.#key, `${VERSION}.${payload}`)}`;
    void reply.setCookie(cookieName(request), value, {
      ...cookieOptions(request),
      maxAge: Math.max(1, Math.floor((session.expiresAt - now) / 1000)),
    });
  }
}

function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

function cookieName(request: FastifyRequest): string {
  return secure(request) ? '__Host-devicelogin' : 'devicelogin';
}

function cookieOptions(request: FastifyRequest): {
  path: string;
  httpOnly: boolean;
  sameSite: 'lax';
  secure: boolean;
} {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: secure(request) };
}
