import { ensureLocalCertificates } from './local-ca.js';
import { defaultTlsDir, trustInstructions } from './locations.js';

/**
 * `--https` for main.ts: ensures the local CA and a certificate for `host` (plus 127.0.0.1 and
 * localhost) in {@link defaultTlsDir}, prints {@link trustInstructions} once on stderr (paths
 * and commands only, never key material) and returns Fastify's `https` option.
 */
export async function startHttps(host: string, port: number): Promise<{ key: string; cert: string }> {
  const hosts = [...new Set([host, '127.0.0.1', 'localhost'].filter((h) => h !== '0.0.0.0' && h !== '::'))];
  const tls = await ensureLocalCertificates({ dir: defaultTlsDir(), hosts });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  process.stderr.write(trustInstructions(tls.caCertPath, `https://${urlHost}:${port}`, tls.createdCa));
  return { key: tls.keyPem, cert: tls.certPem };
}
