import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where `--https` keeps its CA and certificate: `$XDG_DATA_HOME/devicelogin/tls`, else
 * `~/.local/share/devicelogin/tls` (the XDG default), else `./.devicelogin/tls` when there is no
 * home directory. A relative `XDG_DATA_HOME` is ignored, as the XDG specification requires.
 */
export function defaultTlsDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const xdg = env['XDG_DATA_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'devicelogin', 'tls');
  const home = env['HOME'];
  if (home !== undefined && isAbsolute(home)) return join(home, '.local', 'share', 'devicelogin', 'tls');
  return resolve(cwd, '.devicelogin', 'tls');
}

/** Quotes a path for a POSIX shell when it holds anything but safe characters. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/**
 * What `--https` prints once on stderr: where the CA is and how clients trust it. Node clients
 * (msal-node, our CLI) read `NODE_EXTRA_CA_CERTS` only when the process starts.
 */
export function trustInstructions(caCertPath: string, url: string, createdCa: boolean): string {
  const path = shellQuote(caCertPath);
  return [
    `devicelogin-server: serving HTTPS at ${url} with a certificate from a local CA${createdCa ? ' (just created)' : ''}.`,
    `  CA certificate: ${caCertPath}`,
    `  Node clients (MSAL, devicelogin): export NODE_EXTRA_CA_CERTS=${path}   (read at process start)`,
    `  curl: curl --cacert ${path} ${url}/common/v2.0/.well-known/openid-configuration`,
    '  Trust it only on this machine: anyone holding its key (ca-key.pem, 0600) can impersonate any site to those clients.',
    '',
  ].join('\n');
}
