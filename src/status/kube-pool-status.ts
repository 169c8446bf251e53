// IPAddressPool status counters (assignedIPv4/IPv6, availableIPv4/IPv6) through the status
// subresource, written only when they differ from what the pool shows or what we last wrote.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { IPAddressPoolStatus } from '../api/metallb.js';
import { MERGE_PATCH, WriteCounter, withRetry, type RetryOptions } from './kube-retry.js';

export class PoolStatusWriter {
  private readonly custom: CustomObjectsApi;
  private readonly last = new Map<string, string>();
  readonly writes: WriteCounter;

  constructor(kc: KubeConfig, private readonly namespace: string, writes?: WriteCounter, private readonly retry?: RetryOptions) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.writes = writes ?? new WriteCounter();
  }

  /** `current`: the status the cached pool shows. Returns true when a write was sent. */
  async write(pool: string, desired: IPAddressPoolStatus, current: Partial<IPAddressPoolStatus> | undefined): Promise<boolean> {
    const text = JSON.stringify(desired);
    const shown = current ? JSON.stringify({ assignedIPv4: current.assignedIPv4, assignedIPv6: current.assignedIPv6, availableIPv4: current.availableIPv4, availableIPv6: current.availableIPv6 }) : '';
    if (shown === text || this.last.get(pool) === text) return false;
    await withRetry(() => {
      this.writes.count('poolStatus');
      return this.custom.patchNamespacedCustomObjectStatus({
        group: 'metallb.io', version: 'v1beta1', namespace: this.namespace, plural: 'ipaddresspools', name: pool, body: { status: desired },
      }, MERGE_PATCH);
    }, this.retry);
    this.last.set(pool, text);
    return true;
  }

  forget(pool: string): void {
    this.last.delete(pool);
  }
}

/** Counters from the allocator's stats; bigints beyond 2^53 are clamped (IPv6 /64 pools). */
export function poolStatusFrom(s: { inUseIPv4: number; inUseIPv6: number; availableIPv4: bigint; availableIPv6: bigint }): IPAddressPoolStatus {
  const clamp = (b: bigint) => (b > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(b));
  return { assignedIPv4: s.inUseIPv4, assignedIPv6: s.inUseIPv6, availableIPv4: clamp(s.availableIPv4), availableIPv6: clamp(s.availableIPv6) };
}
