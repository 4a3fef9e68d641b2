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
   * existed yet: what the user is told once the file is written (as gh does); see
   * {@link takeStorageNotice}.
   */
  readonly notice: string | undefined;
}

/** `auto`: keyring, else a plaintext file with a notice. `required`: no keyring is an error. */
export type KeyringPolicy = 'auto' | 'required';

/** The keyring policy and where it was set: hints say how to change it there. */
export interface KeyringSetting {
  readonly policy: KeyringPolicy;
  /** `environment`: `DEVICELOGIN_KEYRING`; `config`: the config file's `keyring`; `default`: neither. */
  readonly source: 'environment' | 'config' | 'default';
}

/** Options of {@link openTokenStorage}. */
export interface OpenStorageOptions {
  readonly path: string;
  readonly keyring: KeyringSetting;
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

/** The default of {@link CliContext.startOver}: completes "then …" in hints. */
const START_OVER = "run 'devicelogin logout --all' and sign in again";

function plaintextNotice(path: string, startOver: string): string {
  return (
    `No OS keyring is available: the token cache is stored unencrypted in ${path} (mode 0600).\n` +
    'To keep it in the OS keyring instead: run in a desktop session, or start a Secret Service ' +
    `(Debian/Ubuntu: apt-get install gnome-keyring dbus; see docs/cache.md), then ${startOver}.`
  );
}

/** How to switch the policy back to `auto` where it was set to `required`. */
function allowPlaintext(keyring: KeyringSetting): string {
  return keyring.source === 'environment'
    ? 'unset DEVICELOGIN_KEYRING (or set it to auto)'
    : 'devicelogin config set keyring auto';
}

function requiredBy(keyring: KeyringSetting): string {
  return keyring.source === 'environment' ? 'DEVICELOGIN_KEYRING=required' : 'the config (keyring = required)';
}

/** `required`, and no keyring is available for a new cache. */
function noKeyringError(path: string, keyring: KeyringSetting, cause: unknown): CliError {
  return new CliError(
    `No OS keyring is available, and ${requiredBy(keyring)} does not allow the plaintext file.`,
    EXIT.storage,
    `Start a Secret Service (docs/cache.md), or allow the plaintext file ${path}: ${allowPlaintext(keyring)}`,
    { cause },
  );
}

/** `required`, and the cache already is a plaintext file (whether a keyring exists or not). */
function plaintextRefusedError(path: string, keyring: KeyringSetting, startOver: string): CliError {
  return new CliError(
    `The token cache ${path} is a plaintext file, and ${requiredBy(keyring)} does not allow one.`,
    EXIT.storage,
    `To use it: ${allowPlaintext(keyring)}. To move to the OS keyring instead: where one is available, ${startOver}.`,
  );
}

/**
 * Opens the token cache at `path`:
 * - an encrypted file: its key must be in the keyring (a missing keyring is an error);
 * - a plaintext file: used as is (an error under `required`);
 * - no file: nothing to read. A command that may write tries the keyring, and without one
 *   uses a plaintext file (mode 0600, created when first written) with a
 *   {@link TokenStorage.notice}, or fails under `required`.
 * The keyring is not touched when the file is plaintext or when a read-only command finds no file.
 */
export async function openTokenStorage(
  context: CliContext,
  client: ClientModule,
  options: OpenStorageOptions,
): Promise<TokenStorage> {
  const { path, keyring, write } = options;
  const startOver = context.startOver ?? START_OVER;
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
    if (keyring.policy === 'required') throw plaintextRefusedError(path, keyring, startOver);
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
        `Run where that keyring is available, or start afresh (deletes the cache): ${startOver}.`,
        { cause: error },
      );
    }
    if (keyring.policy === 'required') throw noKeyringError(path, keyring, error);
    return plaintext(plaintextNotice(path, startOver));
  }
}

const told = new WeakSet<TokenStorage>();

/**
 * The storage's {@link TokenStorage.notice} the first time it is asked for after the plaintext
 * file was actually written (a successful sign-in with an account); undefined before that (a
 * failed or cancelled sign-in writes nothing), afterwards, and when there is no notice.
 */
export async function takeStorageNotice(storage: TokenStorage): Promise<string | undefined> {
  if (storage.notice === undefined || told.has(storage)) return undefined;
  const state = await fileState(storage.path).catch(() => 'absent' as const);
  if (state !== 'plaintext') return undefined;
  told.add(storage);
  return storage.notice;
}
