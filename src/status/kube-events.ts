// core/v1 Events, as client-go's recorder writes them: source component metallb-controller or
// metallb-speaker (with the node as host), upstream reasons and messages. A repeat of the same
// event on the same object bumps count and lastTimestamp of the existing Event instead of adding
// one, like client-go's aggregation, so a Service failing on every reconcile costs one object.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../util/log.js';
import { MERGE_PATCH, WriteCounter, describeError, statusCode, withRetry, type RetryOptions } from './kube-retry.js';

export interface EventTarget {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

export interface EventRecorderOptions {
  kubeConfig: KubeConfig;
  component: 'metallb-controller' | 'metallb-speaker';
  /** the node a speaker runs on (source.host) */
  host?: string;
  logger: Logger;
  writes?: WriteCounter;
  retry?: RetryOptions;
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
}

export class EventRecorder {
  private readonly core: CoreV1Api;
  private readonly seen = new Map<string, Recorded>();
  readonly writes: WriteCounter;

  constructor(private readonly opts: EventRecorderOptions) {
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.writes = opts.writes ?? new WriteCounter();
  }

  /** Never throws: an event that cannot be written is logged and dropped, as client-go does. */
  async record(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const key = [target.namespace, target.name, target.uid ?? '', type, reason, message].join('\u0000');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      const prev = this.seen.get(key);
      if (prev) {
        try {
          this.writes.count('event');
          await withRetry(() => this.core.patchNamespacedEvent({
            name: prev.name, namespace: prev.namespace, body: { count: prev.count + 1, lastTimestamp: now },
          }, MERGE_PATCH), this.opts.retry);
          prev.count++;
          return;
        } catch (err) {
          if (statusCode(err) !== 404) throw err;
          this.seen.delete(key); // the Event expired or was deleted: start a new one
        }
      }
      const body: CoreV1Event = {
        metadata: { name: `${target.name}.${randomBytes(8).toString('hex')}`, namespace: target.namespace },
        involvedObject: {
          kind: target.kind, apiVersion: target.apiVersion, namespace: target.namespace, name: target.name,
          ...(target.uid ? { uid: target.uid } : {}), ...(target.resourceVersion ? { resourceVersion: target.resourceVersion } : {}),
        },
        type, reason, message, count: 1,
        firstTimestamp: now as unknown as Date, lastTimestamp: now as unknown as Date,
        source: { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) },
        reportingComponent: this.opts.component,
        reportingInstance: this.opts.host ?? '',
      };
      this.writes.count('event');
      const created = await withRetry(() => this.core.createNamespacedEvent({ namespace: target.namespace, body }), this.opts.retry);
      this.seen.set(key, { name: created.metadata?.name ?? body.metadata.name!, namespace: target.namespace, count: 1 });
      if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value!); // bounded memory
    } catch (err) {
      this.opts.logger.warn({ op: 'event', reason, object: `${target.namespace}/${target.name}`, error: describeError(err) }, 'could not write event');
    }
  }
}

export function serviceTarget(svc: { metadata: { namespace?: string; name: string; uid?: string; resourceVersion?: string } }): EventTarget {
  return {
    kind: 'Service', apiVersion: 'v1', namespace: svc.metadata.namespace ?? 'default', name: svc.metadata.name,
    uid: svc.metadata.uid, resourceVersion: svc.metadata.resourceVersion,
  };
}
