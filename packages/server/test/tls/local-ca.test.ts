import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock, tempDir } from '@devicelogin/test-utils';
import { ensureLocalCertificates } from '@devicelogin/server';
import { RENEW_BEFORE_MS, TLS_FILES } from '../../src/tls/local-ca.js';
import { CA_LIFETIME_MS, SERVER_CERT_LIFETIME_MS } from '../../src/tls/issue.js';

const HOSTS = ['127.0.0.1', 'localhost'];
const DAY = 86_400_000;

let temp: Awaited<ReturnType<typeof tempDir>>;
let dir: string;
beforeEach(async () => {
  temp = await tempDir('devicelogin-tls-');
  dir = join(temp.path, 'state', 'tls');
});
afterEach(async () => temp.remove());

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('ensureLocalCertificates', () => {
  it('creates a CA and a server certificate for 127.0.0.1 and localhost that chain and verify', async () => {
    const clock = fakeClock(Math.floor(Date.now() / 1000) * 1000); // X.509 times have whole seconds
    const tls = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    const ca = new X509Certificate(tls.caCertPem);
    const leaf = new X509Certificate(tls.certPem);

    expect(tls.createdCa).toBe(true);
    expect(tls.caCertPath).toBe(join(dir, 'ca.pem'));
    expect(await readFile(tls.caCertPath, 'utf8')).toBe(tls.caCertPem);

    // The CA: self-signed, CA:true, ECDSA P-256, two years.
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/^CN=devicelogin local development CA [0-9a-f]{8}\nO=devicelogin$/);
    expect(ca.issuer).toBe(ca.subject);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyType).toBe('ec');
    expect(ca.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(Date.parse(ca.validTo) - clock.now()).toBe(CA_LIFETIME_MS);

    // The server certificate: issued by the CA, for the hosts, serverAuth, at most 397 days.
    expect(leaf.ca).toBe(false);
    expect(leaf.issuer).toBe(ca.subject);
    expect(leaf.subject).toBe('CN=127.0.0.1');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.verify(leaf.publicKey)).toBe(false);
    expect(leaf.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost', { subject: 'never' })).toBe('localhost');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.checkIP('127.0.0.2')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(leaf.checkPrivateKey(createPrivateKey(tls.keyPem))).toBe(true);
    const lifetime = Date.parse(leaf.validTo) - Date.parse(leaf.validFrom);
    expect(lifetime).toBeLessThanOrEqual(397 * DAY);
    expect(Date.parse(leaf.validTo) - clock.now()).toBe(SERVER_CERT_LIFETIME_MS);
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(clock.now());
    expect(leaf.serialNumber).not.toBe(ca.serialNumber);
  });

  it('writes keys 0600 and certificates 0644 into a 0700 directory, and no temporary file remains', async () => {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755);
    const tls = await ensureLocalCertificates({ dir, hosts: HOSTS });
    expect(await mode(dir)).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual(Object.values(TLS_FILES).sort());
    expect(await mode(join(dir, TLS_FILES.caKey))).toBe(0o600);
    expect(await mode(join(dir, TLS_FILES.key))).toBe(0o600);
    expect(await mode(join(dir, TLS_FILES.caCert))).toBe(0o644);
    expect(await mode(join(dir, TLS_FILES.cert))).toBe(0o644);
    expect(await readFile(join(dir, TLS_FILES.key), 'utf8')).toBe(tls.keyPem);
    expect(await readFile(join(dir, TLS_FILES.cert), 'utf8')).toBe(tls.certPem);
    expect(tls.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('reuses the CA and the certificate on a later start', async () => {
    const clock = fakeClock(Date.now());
    const first = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    clock.advance(100 * DAY);
    const second = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    expect(second).toEqual({ ...first, createdCa: false });
  });

  it('renews the server certificate, with the same CA, within 30 days of its expiry', async () => {
    const clock = fakeClock(Date.now());
    const first = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    clock.advance(SERVER_CERT_LIFETIME_MS - RENEW_BEFORE_MS + DAY);
    const second = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    expect(second.createdCa).toBe(false);
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.certPem).not.toBe(first.certPem);
    expect(second.keyPem).not.toBe(first.keyPem);
    const leaf = new X509Certificate(second.certPem);
    expect(leaf.verify(new X509Certificate(first.caCertPem).publicKey)).toBe(true);
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(clock.now());
    // Never valid past its CA.
    expect(Date.parse(leaf.validTo)).toBeLessThanOrEqual(Date.parse(new X509Certificate(second.caCertPem).validTo));
  });

  it('creates a new CA (and certificate) when the CA has expired or is within 30 days of it', async () => {
    const clock = fakeClock(Date.now());
    const first = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    clock.advance(CA_LIFETIME_MS - RENEW_BEFORE_MS + DAY);
    const renewed = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    expect(renewed.createdCa).toBe(true);
    expect(renewed.caCertPem).not.toBe(first.caCertPem);
    expect(renewed.caCertPath).toBe(first.caCertPath);
    expect(new X509Certificate(renewed.certPem).verify(new X509Certificate(renewed.caCertPem).publicKey)).toBe(true);

    clock.advance(5 * 365 * DAY);
    const expired = await ensureLocalCertificates({ dir, hosts: HOSTS, clock });
    expect(expired.createdCa).toBe(true);
    expect(expired.caCertPem).not.toBe(renewed.caCertPem);
    expect(Date.parse(new X509Certificate(expired.caCertPem).validTo)).toBeGreaterThan(clock.now() + 700 * DAY);
  });

  it('reissues the certificate when it does not cover a requested host', async () => {
    const first = await ensureLocalCertificates({ dir, hosts: HOSTS });
    const more = await ensureLocalCertificates({ dir, hosts: [...HOSTS, '::1', 'devbox.internal'] });
    expect(more.caCertPem).toBe(first.caCertPem);
    expect(new X509Certificate(more.certPem).subjectAltName).toBe(
      'IP Address:127.0.0.1, DNS:localhost, IP Address:0:0:0:0:0:0:0:1, DNS:devbox.internal',
    );
  });

  it('replaces damaged or mismatched files instead of serving them', async () => {
    const first = await ensureLocalCertificates({ dir, hosts: HOSTS });
    // A server key that is not the certificate's: a new certificate, same CA.
    const other = await ensureLocalCertificates({ dir: join(temp.path, 'other'), hosts: HOSTS });
    await writeFile(join(dir, TLS_FILES.key), other.keyPem);
    const rekeyed = await ensureLocalCertificates({ dir, hosts: HOSTS });
    expect(rekeyed.caCertPem).toBe(first.caCertPem);
    expect(new X509Certificate(rekeyed.certPem).checkPrivateKey(createPrivateKey(rekeyed.keyPem))).toBe(true);
    // A certificate from another CA: reissued by this one.
    await writeFile(join(dir, TLS_FILES.cert), other.certPem);
    await writeFile(join(dir, TLS_FILES.key), other.keyPem);
    const reissued = await ensureLocalCertificates({ dir, hosts: HOSTS });
    expect(reissued.caCertPem).toBe(first.caCertPem);
    expect(new X509Certificate(reissued.certPem).checkIssued(new X509Certificate(first.caCertPem))).toBe(true);
    // A truncated CA certificate: a new CA.
    await writeFile(join(dir, TLS_FILES.caCert), first.caCertPem.slice(0, 100));
    const fresh = await ensureLocalCertificates({ dir, hosts: HOSTS });
    expect(fresh.createdCa).toBe(true);
    expect(fresh.caCertPem).not.toBe(first.caCertPem);
  });

  it('refuses an empty host list', async () => {
    await expect(ensureLocalCertificates({ dir, hosts: [] })).rejects.toThrow(/at least one host/);
  });
});
