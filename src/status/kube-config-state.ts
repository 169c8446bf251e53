// ConfigurationState objects (spec 1.7): one per component, `controller` or `speaker-<node>`,
// saying whether the configuration this component loaded is Valid, with the errors when it is not.
// The object is created on first use, then only its status is patched, and only when it changes.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Condition, OwnerReference } from '../api/meta.js';
import type { ConfigurationResult } from '../api/metallb.js';
import { MERGE_PATCH, WriteCounter, statusCode, withRetry, type RetryOptions } from './kube-retry.js';

/** The reconcilers' verdicts; membershipKeyValid (speakers with membership): every member shares our key. */
export type ConditionType = 'configReconcilerValid' | 'poolReconcilerValid' | 'membershipKeyValid';

export interface ReconcilerVerdict {
  type: ConditionType;
  /** messages of the errors this reconciler found; empty = valid */
  errors: string[];
}

export interface ConfigStateTarget {
  namespace: string;
  component: 'controller' | 'speaker';
  /** speaker only */
  node?: string;
  owner?: OwnerReference;
}

export function configStateName(t: Pick<ConfigStateTarget, 'component' | 'node'>): string {
  return t.component === 'controller' ? 'controller' : `speaker-${t.node}`;
}

/** Pure: the status upstream's ConfigurationStateReconciler would derive from the conditions. */
export function configStateStatus(verdicts: ReconcilerVerdict[], previous: Condition[] = [], now = new Date()): {
  result: ConfigurationResult; errorSummary: string; conditions: Condition[];
} {
  const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const conditions = verdicts.map((v): Condition => {
    const status = v.errors.length === 0 ? 'True' : 'False';
    const before = previous.find((c) => c.type === v.type);
    return {
      type: v.type,
      status,
      reason: status === 'True' ? 'Reconciled' : 'ConfigurationError',
      message: v.errors.join('\n'),
      lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : time,
    };
  });
  const invalid = conditions.some((c) => c.status === 'False' && c.reason === 'ConfigurationError');
  const result: ConfigurationResult = conditions.length === 0 ? 'Unknown' : invalid ? 'Invalid' : 'Valid';
  return { result, errorSummary: verdicts.flatMap((v) => v.errors).join('\n'), conditions };
}

export class ConfigStateWriter {
  private readonly custom: CustomObjectsApi;
  private lastWritten = '';
  private previous: Condition[] = [];
  private exists = false;
  readonly writes: WriteCounter;
  readonly name: string;

  constructor(kc: KubeConfig, private readonly target: ConfigStateTarget, writes?: WriteCounter, private readonly retry?: RetryOptions) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.writes = writes ?? new WriteCounter();
    this.name = configStateName(target);
  }

  /** Returns true when a write was sent. */
  async write(verdicts: ReconcilerVerdict[]): Promise<boolean> {
    const fingerprint = JSON.stringify(verdicts);
    if (fingerprint === this.lastWritten) return false;
    const g = { group: 'metallb.io', version: 'v1beta1', namespace: this.target.namespace, plural: 'configurationstates' };
    if (!this.exists) {
      try {
        const cur = await withRetry(() => this.custom.getNamespacedCustomObject({ ...g, name: this.name }), this.retry) as { status?: { conditions?: Condition[] } };
        this.previous = cur.status?.conditions ?? [];
      } catch (err) {
        if (statusCode(err) !== 404) throw err;
        const labels: Record<string, string> = { 'metallb.io/component-type': this.target.component };
        if (this.target.node) labels['metallb.io/node-name'] = this.target.node;
        const body = {
          apiVersion: 'metallb.io/v1beta1', kind: 'ConfigurationState',
          metadata: { name: this.name, namespace: this.target.namespace, labels, ...(this.target.owner ? { ownerReferences: [this.target.owner] } : {}) },
        };
        try {
          await withRetry(() => {
            this.writes.count('configurationState');
            return this.custom.createNamespacedCustomObject({ ...g, body });
          }, this.retry);
        } catch (e) {
          if (statusCode(e) !== 409) throw e; // created meanwhile by our previous incarnation: fine
        }
      }
      this.exists = true;
    }
    const status = configStateStatus(verdicts, this.previous);
    try {
      await withRetry(() => {
        this.writes.count('configurationState');
        return this.custom.patchNamespacedCustomObjectStatus({ ...g, name: this.name, body: { status } }, MERGE_PATCH);
      }, this.retry);
    } catch (err) {
      if (statusCode(err) === 404) this.exists = false; // deleted under us (owner gone): recreate next time
      throw err;
    }
    this.previous = status.conditions;
    this.lastWritten = fingerprint;
    return true;
  }
}
