// Creating X.509 certificates: a CA, a serving certificate signed by it, or a self-signed serving
// certificate. Node's crypto makes the RSA keys and reads certificates, but cannot sign one, so the
// signing is node-forge's. It is imported on first use only: a process that never makes a
// certificate (a speaker given --metrics-cert-dir, the offline tools) never loads it.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/** PEM text of a certificate and its private key (PKCS#8). */
export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface Validity {
  /** milliseconds since the epoch */
  notBefore: number;
  notAfter: number;
}

type Forge = typeof import('node-forge');
let forgeModule: Promise<Forge> | undefined;
const forge = (): Promise<Forge> => (forgeModule ??= import('node-forge').then((m) => ((m as { default?: Forge }).default ?? m) as Forge));

const rsaKeyPair = promisify(generateKeyPair);

async function newKey(f: Forge) {
  // Native key generation: pure JavaScript RSA key generation takes seconds.
  const { privateKey, publicKey } = await rsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { pem: privateKey, privateKey: f.pki.privateKeyFromPem(privateKey), publicKey: f.pki.publicKeyFromPem(publicKey) };
}

/** A positive serial number of 128 random bits (RFC 5280 allows up to 20 octets). */
function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

export interface CaOptions extends Validity {
  commonName: string;
  organization?: string;
}

export async function createCA(o: CaOptions): Promise<KeyPairPem> {
  const f = await forge();
  const k = await newKey(f);
  const c = f.pki.createCertificate();
  c.publicKey = k.publicKey;
  c.serialNumber = serial();
  c.validity.notBefore = new Date(o.notBefore);
  c.validity.notAfter = new Date(o.notAfter);
  const name = [{ name: 'commonName', value: o.commonName }, ...(o.organization ? [{ name: 'organizationName', value: o.organization }] : [])];
  c.setSubject(name);
  c.setIssuer(name);
  c.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  c.sign(k.privateKey, f.md.sha256.create());
  return { cert: f.pki.certificateToPem(c), key: k.pem };
}

export interface ServingOptions extends Validity {
  /** DNS names (the first is also the common name) */
  dnsNames: string[];
  /** IP addresses, for clients that connect by address */
  ips?: string[];
  organization?: string;
}

/** A serving certificate signed by `ca`, or self-signed when `ca` is omitted. */
export async function createServingCert(o: ServingOptions, ca?: KeyPairPem): Promise<KeyPairPem> {
  if (o.dnsNames.length === 0) throw new Error('a serving certificate needs at least one DNS name');
  const f = await forge();
  const k = await newKey(f);
  const c = f.pki.createCertificate();
  c.publicKey = k.publicKey;
  c.serialNumber = serial();
  c.validity.notBefore = new Date(o.notBefore);
  c.validity.notAfter = new Date(o.notAfter);
  c.setSubject([{ name: 'commonName', value: o.dnsNames[0] }, ...(o.organization ? [{ name: 'organizationName', value: o.organization }] : [])]);
  const caCert = ca ? f.pki.certificateFromPem(ca.cert) : undefined;
  c.setIssuer(caCert ? caCert.subject.attributes : c.subject.attributes);
  c.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...o.dnsNames.map((value) => ({ type: 2, value })), ...(o.ips ?? []).map((ip) => ({ type: 7, ip }))] },
  ]);
  c.sign(ca ? f.pki.privateKeyFromPem(ca.key) : k.privateKey, f.md.sha256.create());
  return { cert: f.pki.certificateToPem(c), key: k.pem };
}
