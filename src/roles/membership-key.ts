// The membership key an in-cluster speaker uses, read anew on every reconcile so that a changed key
// is taken without a restart: from the Secret named by --ml-secret-name (the controller's, read
// through the API: the speaker's informers already watch Secrets in the MetalLB namespace), or from
// --ml-secret-file (a mounted Secret, which the kubelet refreshes in place).
import { readFile } from 'node:fs/promises';
import type { Snapshot } from '../api/snapshot.js';
import { secretFromBytes, type MembershipSettings } from '../layer2/membership/index.js';
import type { Logger } from '../util/log.js';
import { MEMBERLIST_SECRET_KEY } from './memberlist-secret.js';

export class MembershipKeySource {
  private lastProblem = '';

  constructor(private readonly o: { settings: MembershipSettings; namespace: string; log: Logger }) {}

  /** Where the key comes from, for messages. */
  describe(): string {
    return this.o.settings.secretName
      ? `Secret ${this.o.namespace}/${this.o.settings.secretName} key ${MEMBERLIST_SECRET_KEY}`
      : `--ml-secret-file ${this.o.settings.secretFile}`;
  }

  /** The key now, or undefined (logged once per distinct problem) while it is missing or unusable. */
  async read(snap: Snapshot): Promise<Uint8Array | undefined> {
    try {
      const key = await this.bytes(snap);
      this.lastProblem = '';
      return key;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.lastProblem) this.o.log.error({ op: 'membership', source: this.describe(), error: message }, 'no membership key: membership waits for it');
      this.lastProblem = message;
      return undefined;
    }
  }

  private async bytes(snap: Snapshot): Promise<Uint8Array> {
    const { secretName, secretFile } = this.o.settings;
    if (secretName) {
      const secret = snap.secrets.find((s) => s.metadata.name === secretName && (s.metadata.namespace ?? this.o.namespace) === this.o.namespace);
      if (!secret) throw new Error(`${this.describe()}: the Secret does not exist (yet): the controller creates it (--ml-secret-name), or create it with a random ${MEMBERLIST_SECRET_KEY}`);
      const b64 = secret.data?.[MEMBERLIST_SECRET_KEY];
      if (b64 === undefined) throw new Error(`${this.describe()}: the Secret has no key ${MEMBERLIST_SECRET_KEY}`);
      return secretFromBytes(Buffer.from(String(b64), 'base64'), this.describe());
    }
    let raw: Buffer;
    try {
      raw = await readFile(secretFile!);
    } catch (e) {
      throw new Error(`--ml-secret-file ${secretFile}: cannot read it (${(e as Error).message}); point it at the shared membership secret`);
    }
    return secretFromBytes(raw, secretFile!);
  }
}
