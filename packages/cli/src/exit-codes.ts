/**
 * The exit codes of every `devicelogin` command, documented in docs/cli.md (a test keeps the
 * two in step). Scripts can rely on them.
 */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Any other failure: the server refused, an unexpected response, a bug. */
  error: 1,
  /** Wrong command line or configuration (unknown flag, missing client id, bad config value). */
  usage: 2,
  /** The sign-in did not complete: declined, code expired, timed out. */
  signInFailed: 3,
  /** A sign-in is needed (no account, or the refresh token is dead): run `devicelogin login`. */
  interactionRequired: 4,
  /** The server could not be reached (network, DNS, proxy, timeout). */
  network: 5,
  /** The token cache or the keyring could not be used. */
  storage: 6,
  /** `devicelogin api`: the API answered 4xx. */
  httpClientError: 7,
  /** `devicelogin api`: the API answered 5xx. */
  httpServerError: 8,
  /**
   * `devicelogin logout`: signed out on this machine, but a revocation request to the provider
   * failed (unreachable, timed out, an error answer): the tokens may still be valid there.
   */
  revocationFailed: 9,
  /** Interrupted with Ctrl+C (SIGINT): 128 + 2, as shells report it. */
  cancelled: 130,
} as const;

/** One of the {@link EXIT} values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
