import type * as JoseModule from 'jose';

/** The jose module, loaded on first use. */
export type Jose = typeof JoseModule;

let loading: Promise<Jose> | undefined;

/**
 * Loads `jose` once, on first use. Importing it eagerly costs ~30 ms of start-up (46 modules;
 * measured by bench/startup) that commands such as `devicelogin token` on a cache hit never need.
 * The device code flow starts loading it while the user is still typing the code.
 */
export function loadJose(): Promise<Jose> {
  return (loading ??= import('jose'));
}
