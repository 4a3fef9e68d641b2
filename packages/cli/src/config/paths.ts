import { isAbsolute, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** An XDG base directory: the variable when it is an absolute path, else `~/<fallback>`. */
function xdg(env: Env, variable: string, homeDir: string, fallback: string): string {
  const value = env[variable];
  return value !== undefined && isAbsolute(value) ? value : join(homeDir, fallback);
}

/**
 * The config file: `$DEVICELOGIN_CONFIG_DIR/config.json`, else
 * `$XDG_CONFIG_HOME/devicelogin/config.json`, else `~/.config/devicelogin/config.json`.
 */
export function configFilePath(env: Env, homeDir: string): string {
  const dir = env['DEVICELOGIN_CONFIG_DIR'];
  if (dir !== undefined && dir !== '') return join(dir, 'config.json');
  return join(xdg(env, 'XDG_CONFIG_HOME', homeDir, '.config'), 'devicelogin', 'config.json');
}

/**
 * The token cache file: `$DEVICELOGIN_CACHE_FILE`, else
 * `$XDG_STATE_HOME/devicelogin/token-cache.json`, else `~/.local/state/devicelogin/token-cache.json`.
 * State, not cache: deleting it signs every account out.
 */
export function tokenCachePath(env: Env, homeDir: string): string {
  const file = env['DEVICELOGIN_CACHE_FILE'];
  if (file !== undefined && file !== '') return file;
  return join(xdg(env, 'XDG_STATE_HOME', homeDir, join('.local', 'state')), 'devicelogin', 'token-cache.json');
}
