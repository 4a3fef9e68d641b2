/**
 * One library measured by the startup benchmark. Every peer adapts to this shape, so the
 * harness treats ours, the other libraries and the empty baseline alike.
 */
export interface StartupPeer {
  /** Display name: the npm package and its version, or `baseline`. */
  readonly name: string;
  /** What {@link start} does, shown under the table. */
  readonly work: string;
  /**
   * Imports the package and builds the object a user would make first. Runs in a fresh
   * `node` process; no network access may happen here.
   */
  readonly start: () => Promise<unknown>;
}

/** Client id used by every peer: a well-formed GUID that is registered nowhere. */
export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

/** Entra's multi-tenant work-and-school authority: what a typical device-code CLI signs in to. */
export const AUTHORITY = 'https://login.microsoftonline.com/organizations';
