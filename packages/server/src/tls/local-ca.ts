import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { Clock } from '@devicelogin/protocol';
import { ensurePrivateDir, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, readIfExists, writeFileAtomic } from './files.js';
import { createLocalCa, issueServerCertificate, type CertificateAndKey } from './issue.js';

/** What {@link ensureLocalCertificates} takes. */
export interface LocalCertificatesOptions {
  /** Directory holding the CA and the server certificate; created with mode 0700. */
  readonly dir: string;
  /** Names the server certificate covers (IP addresses and DNS names), e.g. `['127.0.0.1', 'localhost']`. */
  readonly hosts: readonly string[];
  /** Time source (only `now` is read). Default: the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
}

/** The server's TLS material and where the CA clients must trust lives. */
export interface LocalCertificates {
  /** Absolute path of the CA certificate (PEM): what `NODE_EXTRA_CA_CERTS` names. */
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** Server certificate (PEM), for Fastify's `https.cert`. */
  readonly certPem: string;
  /** Server private key (PKCS#8 PEM), for Fastify's `https.key`. Never log it. */
  readonly keyPem: string;
  /** Whether this call created the CA (clients must be told to trust the new one). */
  readonly createdCa: boolean;
}

/** Files in `dir`. */
export const TLS_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  cert: 'server.pem',
  key: 'server-key.pem',
} as const;

/** A certificate is reused only while it stays valid for longer than this (30 days). */
export const RENEW_BEFORE_MS = 30 * 86_400_000;

/**
 * Returns a local CA and a server certificate for `hosts` signed by it, creating them in `dir`
 * when needed. Reused on later starts: the CA while it is valid for more than 30 days, the server
 * certificate while it is too, covers every host and chains to that CA. Keys are ECDSA P-256
 * from node:crypto; the key files are 0600 in a 0700 directory, every file written atomically.
 * Renewing the CA means clients must trust the new file: it keeps the same path.
 * @example
 * const tls = await ensureLocalCertificates({ dir: '.devicelogin/tls', hosts: ['127.0.0.1', 'localhost'] });
 * await buildApp({ config, https: { key: tls.keyPem, cert: tls.certPem } });
 */
export async function ensureLocalCertificates(options: LocalCertificatesOptions): Promise<LocalCertificates> {
  const { dir, hosts } = options;
  if (hosts.length === 0) throw new TypeError('ensureLocalCertificates: hosts must name at least one host');
  const now = (options.clock ?? Date).now();
  const path = (name: keyof typeof TLS_FILES): string => resolve(join(dir, TLS_FILES[name]));
  await ensurePrivateDir(dir);

  const existingCa = await load(path('caCert'), path('caKey'));
  const createdCa = existingCa === undefined || !usableCa(existingCa, now);
  const ca = createdCa ? await createLocalCa(now) : existingCa;
  if (createdCa) await save(ca, path('caCert'), path('caKey'));

  const existing = createdCa ? undefined : await load(path('cert'), path('key'));
  const reuse = existing !== undefined && usableServerCert(existing, ca, hosts, now);
  const server = reuse ? existing : await issueServerCertificate(ca, hosts, now);
  if (!reuse) await save(server, path('cert'), path('key'));
  return {
    caCertPath: path('caCert'),
    caCertPem: ca.certPem,
    certPem: server.certPem,
    keyPem: server.keyPem,
    createdCa,
  };
}

/**
 * Writes the key (0600), then the certificate. A crash between the two leaves a certificate
 * whose key does not match it, which the next start detects (`checkPrivateKey`) and replaces.
 */
async function save(pair: CertificateAndKey, certPath: string, keyPath: string): Promise<void> {
  await writeFileAtomic(keyPath, pair.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(certPath, pair.certPem, PUBLIC_FILE_MODE);
}

async function load(certPath: string, keyPath: string): Promise<CertificateAndKey | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  return certPem === undefined || keyPem === undefined ? undefined : { certPem, keyPem };
}

/** Parses the pair; undefined when either is unreadable or the key is not the certificate's. */
function parse(pair: CertificateAndKey): X509Certificate | undefined {
  try {
    const cert = new X509Certificate(pair.certPem);
    return cert.checkPrivateKey(createPrivateKey(pair.keyPem)) ? cert : undefined;
  } catch {
    return undefined;
  }
}

/** Valid now and for more than {@link RENEW_BEFORE_MS}. */
function fresh(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && Date.parse(cert.validTo) - now > RENEW_BEFORE_MS;
}

function usableCa(pair: CertificateAndKey, now: number): boolean {
  const cert = parse(pair);
  return cert !== undefined && cert.ca && cert.verify(cert.publicKey) && fresh(cert, now);
}

function usableServerCert(
  pair: CertificateAndKey,
  ca: CertificateAndKey,
  hosts: readonly string[],
  now: number,
): boolean {
  const cert = parse(pair);
  if (cert === undefined || !fresh(cert, now)) return false;
  const issuer = new X509Certificate(ca.certPem);
  if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) return false;
  return hosts.every((host) =>
    isIP(host) === 0 ? cert.checkHost(host, { subject: 'never' }) !== undefined : cert.checkIP(host) !== undefined,
  );
}
