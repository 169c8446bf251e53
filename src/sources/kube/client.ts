// The KubeConfig the product uses: in a pod the service account, else KUBECONFIG or ~/.kube/config.
import { KubeConfig, Observable, type CoreV1Api, type RequestContext, type ResponseContext } from '@kubernetes/client-node';

/** The per-request options argument of client-node's typed API methods. */
type RequestOptions = Parameters<CoreV1Api['listNode']>[1];

export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

/**
 * Per-request options of client-node's typed APIs that abort the request with `signal` (a deadline),
 * so that a read nobody waits for any more stops holding its socket and buffers.
 */
export function abortWith(signal: AbortSignal | undefined): RequestOptions {
  if (!signal) return undefined;
  return {
    middleware: [{
      pre: (ctx: RequestContext) => {
        ctx.setSignal(signal);
        return new Observable(Promise.resolve(ctx));
      },
      post: (ctx: ResponseContext) => new Observable(Promise.resolve(ctx)),
    }],
    middlewareMergeStrategy: 'append',
  };
}
