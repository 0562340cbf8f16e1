/**
 * The proxy's local certificate authority: a self-signed CA kept in a directory (generated on first
 * use, reused when present), and per-host leaf certificates it signs on demand.
 *
 * RSA keys come from node:crypto (fast); node-forge only builds and signs the X.509 structures.
 */

import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import forge from 'node-forge';
import { InvalidStateError } from '../../errors.js';

/** The file name of the proxy mode's CA certificate in its CA directory (mode 0644). */
export const CA_CERT_FILE = 'ca.pem';
/** The file name of the proxy mode's CA private key in its CA directory (mode 0600). */
export const CA_KEY_FILE = 'ca-key.pem';
const CA_COMMON_NAME = 'webwx emulator local CA';

export interface LocalCa {
  /** The directory holding ca.pem and ca-key.pem. */
  readonly dir: string;
  /** Absolute path of the CA certificate (PEM): what NODE_EXTRA_CA_CERTS / --cacert point at. */
  readonly certPath: string;
  readonly certPem: string;
  /** Whether this run generated the CA (false: loaded from dir). */
  readonly created: boolean;
  /** A TLS context for host (certificate signed by the CA, SAN = host), cached per host. */
  contextFor(host: string): SecureContext;
}

function newRsaKeyPem(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function serialNumber(): string {
  // A positive serial: clear the top bit of the first byte.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function createCa(): { certPem: string; keyPem: string } {
  const keys = newRsaKeyPem();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600_000);
  cert.validity.notAfter = new Date(now + 10 * 365 * 24 * 3600_000);
  const attrs = [
    { name: 'commonName', value: CA_COMMON_NAME },
    { name: 'organizationName', value: 'webwx emulator' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privatePem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** Load the CA from dir, or create it there (ca.pem 0644, ca-key.pem 0600). */
export function loadOrCreateCa(dir: string): LocalCa {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  let certPem: string;
  let keyPem: string;
  let created = false;
  if (existsSync(certPath) && existsSync(keyPath)) {
    certPem = readFileSync(certPath, 'utf8');
    keyPem = readFileSync(keyPath, 'utf8');
  } else {
    mkdirSync(dir, { recursive: true });
    ({ certPem, keyPem } = createCa());
    writeFileSync(keyPath, keyPem, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    writeFileSync(certPath, certPem, { mode: 0o644 });
    created = true;
  }
  let caCert: forge.pki.Certificate;
  let caKey: forge.pki.rsa.PrivateKey;
  try {
    caCert = forge.pki.certificateFromPem(certPem);
    // Accept PKCS#1 or PKCS#8 key files: normalise through node:crypto.
    caKey = forge.pki.privateKeyFromPem(
      createPrivateKey(keyPem).export({ type: 'pkcs1', format: 'pem' }).toString(),
    );
  } catch (error) {
    throw new InvalidStateError(
      `emulator proxy: cannot use the CA in ${dir} (${error instanceof Error ? error.message : String(error)}); delete ${CA_CERT_FILE} and ${CA_KEY_FILE} there to make a new one`,
    );
  }
  // One leaf key for every host: generating RSA keys is the slow part.
  const leafKeys = newRsaKeyPem();
  const leafPublic = forge.pki.publicKeyFromPem(leafKeys.publicPem);
  const contexts = new Map<string, SecureContext>();

  const issue = (host: string): string => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = leafPublic;
    cert.serialNumber = serialNumber();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - 24 * 3600_000);
    // Under 398 days, as TLS clients require of leaf certificates.
    cert.validity.notAfter = new Date(now + 365 * 24 * 3600_000);
    cert.setSubject([{ name: 'commonName', value: host }]);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: host }] },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  };

  return {
    dir,
    certPath,
    certPem,
    created,
    contextFor(host: string): SecureContext {
      let ctx = contexts.get(host);
      if (ctx === undefined) {
        ctx = createSecureContext({ key: leafKeys.privatePem, cert: `${issue(host)}${certPem}` });
        contexts.set(host, ctx);
      }
      return ctx;
    },
  };
}
