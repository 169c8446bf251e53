// Serving certificate from a mounted directory (tls.crt, tls.key), reloaded when the files change
// (the certificate is rotated by whoever manages the webhook Secret).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';

export interface CertFiles {
  cert: Buffer;
  key: Buffer;
  /** mtimes, to notice a rotation */
  stamp: string;
}

export function readCertDir(dir: string): CertFiles {
  const crt = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  try {
    return {
      cert: readFileSync(crt),
      key: readFileSync(key),
      stamp: `${statSync(crt).mtimeMs}/${statSync(key).mtimeMs}`,
    };
  } catch (err) {
    throw new Error(`cannot read the webhook certificate from ${dir} (tls.crt and tls.key): ${(err as Error).message}`);
  }
}

export function certStamp(dir: string): string | undefined {
  try {
    return `${statSync(join(dir, 'tls.crt')).mtimeMs}/${statSync(join(dir, 'tls.key')).mtimeMs}`;
  } catch {
    return undefined;
  }
}

export const secureOptions = (c: CertFiles): SecureContextOptions => ({ cert: c.cert, key: c.key, minVersion: 'TLSv1.3' });
