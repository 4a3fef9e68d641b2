import { open } from 'node:fs/promises';
import type { CachePersistence } from '@devicelogin/client';
import type { CliContext, ClientModule } from '../context.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/** How the token cache is kept. */
export type StorageKind = 'keyring' | 'plaintext-file' | 'none';

/** The token cache of a command: its persistence and how it is protected. */
export interface TokenStorage {
  /** Undefined when there is no cache file and the command will not write one. */
  readonly persistence: CachePersistence | undefined;
  /** `keyring`: encrypted file, key in the OS keyring; `plaintext-file`: 0600 JSON; `none`: no file. */
  readonly kind: StorageKind;
  readonly path: string;
  /**
   * Set when this command chose the plaintext file because no keyring is available and no cache
   * existed yet: the one time the user is told (as gh does).
   */
  readonly notice: string | undefined;
}

/** `auto`: keyring, else a plaintext file with a notice. `required`: no keyring is an error. */
export type KeyringPolicy = 'auto' | 'required';

/** Options of {@link openTokenStorage}. */
export interface OpenStorageOptions {
  readonly path: string;
  readonly policy: KeyringPolicy;
  /** The command may sign in and write the cache (login, `--interactive`). */
  readonly write: boolean;
}

type FileState = 'absent' | 'encrypted' | 'plaintext';

/** Looks at the first bytes: our encrypted envelope starts with its `format` member. */
async function fileState(path: string): Promise<FileState> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw new CliError(`Cannot open the token cache at ${path}.`, EXIT.storage, undefined, { cause: error });
  }
  try {
    const buffer = Buffer.alloc(128);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    if (bytesRead === 0) return 'absent';
    return /^\s*\{\s*"format"\s*:\s*"devicelogin-cache"/.test(head) ? 'encrypted' : 'plaintext';
  } finally {
    await handle.close();
  }
}

const KEYRING_HELP =
  'To keep it in the OS keyring instead: run in a desktop session, or start a Secret Service ' +
  "(Debian/Ubuntu: apt-get install gnome-keyring dbus; see docs/cache.md), then 'devicelogin logout --all' and sign in again.";

function plaintextNotice(path: string): string {
  return `No OS keyring is available: the token cache is stored unencrypted in ${path} (mode 0600).\n${KEYRING_HELP}`;
}

function requiredError(path: string, cause: unknown): CliError {
  return new CliError(
    'No OS keyring is available, and the configuration requires one (keyring = required).',
    EXIT.storage,
    `Start a Secret Service (docs/cache.md), or allow the plaintext file ${path} with: devicelogin config set keyring auto`,
    { cause },
  );
}

/**
 * Opens the token cache at `path`:
 * - an encrypted file: its key must be in the keyring (a missing keyring is an error);
 * - a plaintext file: used as is (an error under `required`);
 * - no file: nothing to read. A command that may write tries the keyring, and without one
 *   creates a plaintext file (mode 0600) and returns a {@link TokenStorage.notice}, or fails
 *   under `required`.
 * The keyring is not touched when the file is plaintext or when a read-only command finds no file.
 */
export async function openTokenStorage(
  context: CliContext,
  client: ClientModule,
  options: OpenStorageOptions,
): Promise<TokenStorage> {
  const { path, policy, write } = options;
  const state = await fileState(path);
  const onWarning = (warning: { readonly message: string }): void => {
    context.io.stderr.write(`warning: ${warning.message}\n`);
  };
  const plaintext = (notice: string | undefined): TokenStorage => ({
    persistence: client.createFilePersistence({ path, encryption: 'plaintext', onWarning }),
    kind: 'plaintext-file',
    path,
    notice,
  });
  if (state === 'plaintext') {
    if (policy === 'required') throw requiredError(path, undefined);
    return plaintext(undefined);
  }
  if (state === 'absent' && !write) return { persistence: undefined, kind: 'none', path, notice: undefined };
  const keyProvider = context.keyProvider?.(path);
  try {
    const persistence = await client.createDefaultPersistence({
      path,
      env: {},
      onWarning,
      ...(keyProvider === undefined ? {} : { keyProvider }),
    });
    return { persistence, kind: 'keyring', path, notice: undefined };
  } catch (error) {
    if (!(error instanceof client.KeyringUnavailableError)) throw error;
    if (state === 'encrypted') {
      throw new CliError(
        `The token cache at ${path} is encrypted with a key kept in an OS keyring, and no keyring is reachable now.`,
        EXIT.storage,
        `Run where that keyring is available, or sign in again after 'devicelogin logout --all' (deletes the cache).`,
        { cause: error },
      );
    }
    if (policy === 'required') throw requiredError(path, error);
    return plaintext(plaintextNotice(path));
  }
}
