/**
 * What the store contract's suites share: the fixture type, a fixed "now", hashes and record
 * builders. Backend-neutral: only the {@link Store} interface is used.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { TestContext } from 'vitest';
import type { Approver, NewDeviceCode, RefreshTokenRecord, Store } from '../../src/store/store.js';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  readonly store: Store;
  /** Closes the fixture's store if still open and deletes its database. */
  cleanup(): Promise<void>;
  /**
   * Opens another, independent store (its own connection) on the same database, for races
   * between instances and for reopening after `close()`; the caller closes it. Absent for a
   * backend that cannot share a database (SQLite `:memory:`): the tests needing it are skipped.
   */
  readonly reopen?: () => Promise<Store>;
}

/** Opens a fresh, empty store. */
export type OpenStore = () => Promise<StoreFixture>;

/** The fixture of the running test. */
export type CurrentFixture = () => StoreFixture;

/** A fixed "now" for the contract, epoch ms. */
export const T0 = Date.UTC(2026, 0, 1);

/** SHA-256, base64url, as the server stores codes and tokens. */
export function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Where the contract's approvals come from (the consent page's request). */
export const APPROVER: Approver = { ip: '198.51.100.7', userAgent: 'browser/2.0' };

/** A new pending device code, live for 15 minutes from {@link T0} unless overridden. */
export function newDeviceCode(overrides: Partial<NewDeviceCode> = {}): NewDeviceCode {
  return {
    id: randomUUID(),
    deviceCodeHash: hash(`device-${randomUUID()}`),
    userCodeHash: hash(`user-${randomUUID()}`),
    clientId: 'cli',
    tenant: 'contoso',
    scope: 'openid profile offline_access',
    createdAt: T0,
    expiresAt: T0 + 15 * 60_000,
    interval: 5,
    requestIp: '192.0.2.1',
    requestUserAgent: 'contract/1.0',
    ...overrides,
  };
}

/** A refresh token as created (neither rotated nor revoked). */
export type NewRefreshToken = Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>;

/** A new refresh token of a new family and grant, live for a day from {@link T0} unless overridden. */
export function newRefreshToken(overrides: Partial<NewRefreshToken> = {}): NewRefreshToken {
  return {
    tokenHash: hash(`refresh-${randomUUID()}`),
    familyId: randomUUID(),
    grantId: randomUUID(),
    clientId: 'cli',
    tenant: 'contoso',
    subject: 'user-1',
    scope: 'openid offline_access',
    createdAt: T0,
    expiresAt: T0 + 86_400_000,
    ...overrides,
  };
}

/** The successor of `previous` in its family, created at `at`. */
export function successorOf(previous: RefreshTokenRecord, at: number): NewRefreshToken {
  return newRefreshToken({
    familyId: previous.familyId,
    grantId: previous.grantId,
    subject: previous.subject,
    scope: previous.scope,
    createdAt: at,
    expiresAt: at + 86_400_000,
  });
}

/**
 * A second instance on the fixture's database, closed when the test ends; skips the test when
 * the backend has none.
 */
export async function secondInstance(fixture: StoreFixture, test: TestContext): Promise<Store> {
  if (fixture.reopen === undefined) test.skip('this backend cannot open a second instance on one database');
  const store = await fixture.reopen();
  test.onTestFinished(() => store.close());
  return store;
}
