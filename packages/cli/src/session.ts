import { VERSION } from './help.js';
import type { PublicClientApplication } from '@devicelogin/client';
import { readConfigFile, type ConfigFile } from './config/config-file.js';
import { configFilePath, tokenCachePath } from './config/paths.js';
import { resolveTarget, type Target, type TargetFlags } from './config/target.js';
import type { CliContext, ClientModule } from './context.js';
import { UsageError } from './errors.js';
import { openTokenStorage, type KeyringSetting, type TokenStorage } from './store/storage.js';

/** What a command that talks to a provider works with. */
export interface Session {
  readonly target: Target;
  readonly app: PublicClientApplication;
  readonly storage: TokenStorage;
  readonly client: ClientModule;
  readonly config: ConfigFile;
}

/**
 * The keyring policy: `DEVICELOGIN_KEYRING` (when set and not empty), else the config's
 * `keyring`, else `auto`; with where it came from, so that hints name what changes it.
 * @throws {UsageError} `DEVICELOGIN_KEYRING` is neither `auto` nor `required`.
 */
export function keyringPolicy(context: CliContext, config: ConfigFile): KeyringSetting {
  const variable = context.env['DEVICELOGIN_KEYRING'];
  if (variable !== undefined && variable !== '') {
    if (variable !== 'auto' && variable !== 'required') {
      throw new UsageError(`DEVICELOGIN_KEYRING must be auto or required, not "${variable}".`);
    }
    return { policy: variable, source: 'environment' };
  }
  return config.keyring === undefined
    ? { policy: 'auto', source: 'default' }
    : { policy: config.keyring, source: 'config' };
}

/** Reads the config file named by the environment (or the XDG default). */
export function loadConfig(context: CliContext): Promise<ConfigFile> {
  return readConfigFile(configFilePath(context.env, context.homeDir));
}

/**
 * Resolves the target app, opens the token cache and builds the client. `write`: the command
 * may sign in (the cache is then created when missing).
 */
export async function openSession(
  context: CliContext,
  flags: TargetFlags,
  options: { readonly write: boolean },
): Promise<Session> {
  const config = await loadConfig(context);
  const target = resolveTarget(flags, context.env, config);
  const client = await context.loadClient();
  const storage = await openTokenStorage(context, client, {
    path: tokenCachePath(context.env, context.homeDir),
    keyring: keyringPolicy(context, config),
    write: options.write,
  });
  const app = new client.PublicClientApplication({
    auth: {
      clientId: target.clientId,
      ...(target.authority === undefined ? {} : { authority: target.authority }),
      ...(target.provider === undefined ? {} : { provider: target.provider }),
      ...(target.clientSecret === undefined ? {} : { clientSecret: target.clientSecret }),
      ...(target.dpop ? { dpop: true } : {}),
    },
    system: {
      env: context.env,
      // Named on the consent page as the device asking (the server shows the request's agent).
      userAgent: `devicelogin/${VERSION}`,
      ...(context.fetch === undefined ? {} : { fetch: context.fetch }),
      ...context.clientSystem,
    },
    cache: storage.persistence === undefined ? {} : { persistence: storage.persistence },
  });
  return { target, app, storage, client, config };
}
