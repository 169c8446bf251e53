// Judging certificates already made (read from a Secret or a directory) with Node's own X.509 reader:
// is this pair still good for serving these names, signed by this CA, for long enough?
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyPairPem } from './generate.js';

export interface ServingPair {
  ca: KeyPairPem;
  serving: KeyPairPem;
}

/** Why this pair cannot be kept (to be replaced), or undefined when it is good until `until`. */
export function pairProblem(p: ServingPair, dnsNames: string[], until: number): string | undefined {
  let ca: X509Certificate;
  let cert: X509Certificate;
  try {
    ca = new X509Certificate(p.ca.cert);
    cert = new X509Certificate(p.serving.cert);
  } catch (err) {
    return `unreadable certificate: ${(err as Error).message}`;
  }
  if (!ca.ca) return 'ca.crt is not a CA certificate';
  try {
    if (!ca.checkPrivateKey(createPrivateKey(p.ca.key))) return 'ca.key does not belong to ca.crt';
    if (!cert.checkPrivateKey(createPrivateKey(p.serving.key))) return 'tls.key does not belong to tls.crt';
  } catch (err) {
    return `unreadable private key: ${(err as Error).message}`;
  }
  if (!cert.verify(ca.publicKey)) return 'tls.crt is not signed by ca.crt';
  for (const name of dnsNames) if (cert.checkHost(name, { subject: 'never' }) === undefined) return `tls.crt is not valid for ${name}`;
  if (Date.parse(ca.validTo) <= until) return `ca.crt expires ${ca.validTo}`;
  if (Date.parse(cert.validTo) <= until) return `tls.crt expires ${cert.validTo}`;
  return undefined;
}

/** When a certificate stops being valid (ms since the epoch). */
export function expiresAt(pem: string): number {
  return Date.parse(new X509Certificate(pem).validTo);
}
