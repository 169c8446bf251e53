// The KubeConfig the product uses: in a pod the service account, else KUBECONFIG or ~/.kube/config.
import { KubeConfig } from '@kubernetes/client-node';

export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
