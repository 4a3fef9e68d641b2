import { expect } from 'vitest';
import { assertNoSecretsIn, describeErrorFully } from '@devicelogin/test-utils';
import { ACCESS_TOKEN, DEVICE_CODE, USER_CODE } from './fake-provider.js';

/** The secrets every failure test checks: the device code, the user code and the access token. */
export const SECRETS: readonly string[] = [DEVICE_CODE, USER_CODE, ACCESS_TOKEN];

/**
 * Awaits a promise that must reject with an instance of `type` and returns the error, typed.
 * Fails the test when the promise resolves or rejects with something else.
 */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const outcome = await promise.then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection with ${type.name}, but the promise resolved`);
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as E;
}

/** Fails when the error, its fields or its causes mention any of {@link SECRETS} or `extra`. */
export function expectNoSecrets(error: unknown, extra: readonly string[] = []): void {
  assertNoSecretsIn(describeErrorFully(error), [...SECRETS, ...extra]);
}

/** A promise with its resolve function exposed, to let a test wait for a server-side event. */
export function deferred<T = void>(): { readonly promise: Promise<T>; resolve(value: T): void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve: (value) => resolve(value) };
}
