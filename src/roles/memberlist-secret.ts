// The membership key Secret, owned by the controller as upstream's is: created at run time when it
// does not exist (upstream's name metallb-memberlist, key secretkey: 16 random bytes as unpadded
// base64, owner-referenced to the controller's Deployment so it goes when MetalLB is uninstalled),
// never changed once there. Speakers read it through the API (--ml-secret-name) or from a mount.
// Nothing is rendered by the chart, so two renders of the same values stay identical.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describeError, statusCode } from '../status/kube-retry.js';
import type { Logger } from '../util/log.js';

export const MEMBERLIST_SECRET_KEY = 'secretkey';

export interface MemberlistSecretOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  /** the controller's Deployment (--deployment): the Secret's owner */
  deployment?: string;
  logger: Logger;
}

export type EnsureResult = 'exists' | 'created';

/** Creates the Secret unless it exists. Throws on API errors (the caller retries). */
export async function ensureMemberlistSecret(o: MemberlistSecretOptions): Promise<EnsureResult> {
  const core = o.kubeConfig.makeApiClient(CoreV1Api);
  // A list by name tells "not there" apart from an API error without matching error texts.
  const existing = await core.listNamespacedSecret({ namespace: o.namespace, fieldSelector: `metadata.name=${o.name}` });
  if (existing.items.length > 0) return 'exists';
  let ownerReferences;
  if (o.deployment) {
    const d = await o.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: o.deployment, namespace: o.namespace });
    ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata!.name!, uid: d.metadata!.uid! }];
  }
  const key = randomBytes(16).toString('base64').replace(/=+$/, '');
  try {
    await core.createNamespacedSecret({
      namespace: o.namespace,
      body: {
        apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
        metadata: { name: o.name, namespace: o.namespace, ...(ownerReferences ? { ownerReferences } : {}) },
        data: { [MEMBERLIST_SECRET_KEY]: Buffer.from(key).toString('base64') },
      },
    });
  } catch (err) {
    if (statusCode(err) === 409) return 'exists'; // made meanwhile: keep that one
    throw err;
  }
  o.logger.info({ op: 'CreateMlSecret', secret: `${o.namespace}/${o.name}`, owner: o.deployment ?? '' }, 'secret successfully created');
  return 'created';
}

/** ensureMemberlistSecret until it succeeds (1 s doubling to 1 min between tries); stop() ends the tries. */
export function keepMemberlistSecret(o: MemberlistSecretOptions): { done: Promise<void>; stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => {};
  const done = (async () => {
    for (let delay = 1000; !stopped; delay = Math.min(delay * 2, 60_000)) {
      try {
        await ensureMemberlistSecret(o);
        return;
      } catch (err) {
        o.logger.error({ op: 'CreateMlSecret', secret: `${o.namespace}/${o.name}`, error: describeError(err), retryInMs: delay },
          'failed to create memberlist secret; retrying');
      }
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, delay);
      });
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake();
    },
  };
}
