/**
 * X.509 generation for the local CA and its server certificate.
 *
 * Library: @peculiar/x509 (Peculiar Ventures; also what `selfsigned` builds on). It encodes
 * certificates with a maintained ASN.1 schema library and signs through WebCrypto, so every key
 * and signature here comes from node:crypto, and no ASN.1 or signature code is written by hand.
 * Alternatives rejected: node-forge (its own pure-JS crypto, RSA-centric, no ECDSA keys),
 * selfsigned (a wrapper over this library plus pkijs), mkcert (a CLI wrapper over node-forge).
 * Pinned to 1.14.3 rather than 2.x: 2.x requires the application to install and import a Reflect
 * metadata polyfill itself, whereas 1.x brings `reflect-metadata` as its own dependency.
 */
import { KeyObject, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

/** A certificate and its private key, PEM encoded (X.509 certificate, PKCS#8 key). */
export interface CertificateAndKey {
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY_MS = 86_400_000;
/** Lifetime of the local CA. */
export const CA_LIFETIME_MS = 730 * DAY_MS;
/** Lifetime of the server certificate (browsers and Apple platforms refuse more than 398 days). */
export const SERVER_CERT_LIFETIME_MS = 365 * DAY_MS;
/** Backdating of `notBefore`, for clocks slightly behind this machine's. */
const BACKDATE_MS = 5 * 60_000;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
// The library signs and hashes with its default provider, `globalThis.crypto`: on Node that is
// node:crypto's WebCrypto (the same object as `webcrypto` used below for the keys).

/**
 * Creates a self-signed CA: ECDSA P-256, basicConstraints CA:true with path length 0 (it signs
 * server certificates only), keyUsage keyCertSign and cRLSign, valid {@link CA_LIFETIME_MS}.
 */
export async function createLocalCa(now: number): Promise<CertificateAndKey> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=devicelogin local development CA ${randomBytes(4).toString('hex')}, O=devicelogin`,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_LIFETIME_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey) };
}

/**
 * Issues a server certificate for `hosts` (IP addresses become iPAddress SAN entries, names
 * dNSName entries), signed by `ca`: ECDSA P-256, CA:false, keyUsage digitalSignature, extended
 * key usage serverAuth, valid {@link SERVER_CERT_LIFETIME_MS} but never past the CA.
 */
export async function issueServerCertificate(
  ca: CertificateAndKey,
  hosts: readonly string[],
  now: number,
): Promise<CertificateAndKey> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    KEY_ALGORITHM,
    false,
    ['sign'],
  );
  const keys = await generateKeys();
  const names = hosts.map((host) => ({ type: isIP(host) === 0 ? ('dns' as const) : ('ip' as const), value: host }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${hosts[0] ?? 'localhost'}`,
    issuer: caCert.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(Math.min(now + SERVER_CERT_LIFETIME_MS, caCert.notAfter.getTime())),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey) };
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  // Extractable: the private key is written to disk (0600) so the next start can reuse it.
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** RFC 5280 §4.1.2.2: positive, unique per CA, at most 20 octets; 128 random bits. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
