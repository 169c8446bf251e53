// A KubeConfig (or kubeconfig file) pointing the real @kubernetes/client-node at the stand-in.
import { writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export function kubeConfigFor(url: string, namespace = 'default'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stand-in', server: url, skipTLSVerify: true }],
    users: [{ name: 'tester', token: 'stand-in-token' }],
    contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'tester', namespace }],
    currentContext: 'stand-in',
  });
  return kc;
}

/** Writes a kubeconfig file (YAML is a superset of JSON) usable with KUBECONFIG=path. */
export function writeKubeconfig(path: string, url: string, namespace = 'default'): void {
  const doc = {
    apiVersion: 'v1', kind: 'Config', 'current-context': 'stand-in',
    clusters: [{ name: 'stand-in', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'tester', user: { token: 'stand-in-token' } }],
    contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'tester', namespace } }],
  };
  writeFileSync(path, JSON.stringify(doc, null, 2));
}
