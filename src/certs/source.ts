// Where a TLS server gets its certificate: a holder whose content can change while the server runs
// (a rotation, a remounted Secret), so servers take it on every change without a restart.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

export interface ServingCert {
  cert: string;
  key: string;
}

export interface CertSource {
  /** the certificate to serve now; undefined while there is none yet */
  current(): ServingCert | undefined;
  /** called with every new certificate; returns the unsubscribe function */
  onChange(listener: (c: ServingCert) => void): () => void;
  stop(): void;
}

export class CertHolder implements CertSource {
  private cert: ServingCert | undefined;
  private readonly listeners = new Set<(c: ServingCert) => void>();

  current(): ServingCert | undefined {
    return this.cert;
  }

  onChange(listener: (c: ServingCert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(c: ServingCert): void {
    if (this.cert && this.cert.cert === c.cert && this.cert.key === c.key) return;
    this.cert = c;
    for (const l of this.listeners) l(c);
  }

  stop(): void {
    this.listeners.clear();
  }
}

/** TLS options for a server serving `c` (TLS 1.3 minimum, as upstream's webhook and metrics servers). */
export const tlsOptions = (c: ServingCert): SecureContextOptions => ({ cert: c.cert, key: c.key, minVersion: 'TLSv1.3' });

export interface DirCertOptions {
  dir: string;
  /** how often the files are looked at (default 10 s); the kubelet refreshes Secret mounts within about a minute */
  checkMs?: number;
  /** told once per distinct problem (missing files, unreadable pair) */
  onProblem?: (message: string) => void;
  onLoaded?: () => void;
}

/**
 * tls.crt and tls.key from a directory (a mounted Secret: cert-manager's or the user's), read at
 * start and again whenever their modification times change. Missing files are not fatal: the
 * certificate is taken when they appear.
 */
export class DirCertSource extends CertHolder {
  private timer: NodeJS.Timeout | undefined;
  private stamp = '';
  private lastProblem = '';
  readonly ready: Promise<void>;

  constructor(private readonly o: DirCertOptions) {
    super();
    this.ready = this.check();
    this.timer = setInterval(() => void this.check(), o.checkMs ?? 10_000);
    this.timer.unref();
  }

  override stop(): void {
    if (this.timer) clearInterval(this.timer);
    super.stop();
  }

  private async check(): Promise<void> {
    const crt = join(this.o.dir, 'tls.crt');
    const key = join(this.o.dir, 'tls.key');
    try {
      const stamp = `${(await stat(crt)).mtimeMs}/${(await stat(key)).mtimeMs}`;
      if (stamp === this.stamp) return;
      const pair = { cert: await readFile(crt, 'utf8'), key: await readFile(key, 'utf8') };
      createSecureContext(tlsOptions(pair)); // throws for a key that does not match, or garbled files
      this.stamp = stamp;
      this.lastProblem = '';
      this.set(pair);
      this.o.onLoaded?.();
    } catch (err) {
      const message = `cannot read the serving certificate from ${this.o.dir} (tls.crt and tls.key): ${(err as Error).message}`;
      if (message !== this.lastProblem) this.o.onProblem?.(message);
      this.lastProblem = message;
    }
  }
}

