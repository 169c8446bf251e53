// Which namespace MetalLB runs in: --namespace, else METALLB_NAMESPACE, else the service account's
// namespace file (what a pod sees), the same order as upstream.
import { readFileSync } from 'node:fs';

export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export function resolveNamespace(flag?: string, env: NodeJS.ProcessEnv = process.env, file = SERVICE_ACCOUNT_NAMESPACE_FILE): string {
  if (flag) return flag;
  if (env.METALLB_NAMESPACE) return env.METALLB_NAMESPACE;
  try {
    const ns = readFileSync(file, 'utf8').trim();
    if (ns) return ns;
  } catch {
    // not in a pod: fall through to the error below
  }
  throw new Error(`cannot tell the MetalLB namespace: pass --namespace, set METALLB_NAMESPACE, or run in a pod (${file})`);
}
