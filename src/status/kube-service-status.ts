// Writes a Service's LoadBalancer status, its conditions and the metallb.io/ip-allocated-from-pool
// annotation in one merge patch on services/status (the Service status strategy keeps metadata
// changes, which is how upstream writes the annotation in the same UpdateStatus call).
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Condition } from '../api/meta.js';
import { ANNOTATION } from '../api/metallb.js';
import { MERGE_PATCH, WriteCounter, withRetry, type RetryOptions } from './kube-retry.js';

export interface DesiredServiceStatus {
  ips: string[];
  /** undefined: remove the annotation */
  pool?: string;
  /** the Service's full condition list (other writers' conditions included) */
  conditions: Condition[];
}

export class ServiceStatusWriter {
  private readonly core: CoreV1Api;
  readonly writes: WriteCounter;

  constructor(kc: KubeConfig, writes?: WriteCounter, private readonly retry?: RetryOptions) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.writes = writes ?? new WriteCounter();
  }

  /** Returns the resourceVersion the Service has after the write. Throws after the retries. */
  async write(namespace: string, name: string, d: DesiredServiceStatus): Promise<string | undefined> {
    const body = {
      metadata: { annotations: { [ANNOTATION.allocatedFromPool]: d.pool ?? null } },
      status: {
        loadBalancer: d.ips.length > 0 ? { ingress: d.ips.map((ip) => ({ ip })) } : { ingress: null },
        conditions: d.conditions.length > 0 ? d.conditions : null,
      },
    };
    const out = await withRetry(() => {
      this.writes.count('serviceStatus');
      return this.core.patchNamespacedServiceStatus({ name, namespace, body }, MERGE_PATCH);
    }, this.retry);
    return out.metadata?.resourceVersion;
  }
}
