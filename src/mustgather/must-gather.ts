// `metallb-ts must-gather`: collect, index, archive. Standalone mode reads this host's FRR (and the
// product's folders); cluster mode reads the Kubernetes API and execs into the speakers' frr containers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { makeArchive } from './archive.js';
import { Bundle } from './bundle.js';
import { collectCluster } from './cluster.js';
import { kubePodExec } from './kube-exec.js';
import type { PodExec } from './pod-frr.js';
import { collectStandalone, type StandaloneOptions } from './standalone.js';

export interface MustGatherOptions extends StandaloneOptions {
  /** folder the archive is written to */
  output: string;
  /** cluster mode when set (or when kubeconfig is set): the MetalLB namespace */
  namespace?: string;
  kubeconfig?: string;
  logLines?: number;
  /** replaces the Kubernetes exec (tests) */
  exec?: PodExec;
  /** replaces the KubeConfig loading (tests) */
  kubeConfig?: KubeConfig;
  /** fixed clock for names (tests) */
  now?: Date;
}

export interface MustGatherResult {
  archive: string;
  mode: 'standalone' | 'cluster';
  collected: number;
  absent: number;
  failed: number;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

export async function mustGather(opts: MustGatherOptions): Promise<MustGatherResult> {
  const cluster = Boolean(opts.namespace || opts.kubeconfig || opts.kubeConfig);
  const mode = cluster ? 'cluster' : 'standalone';
  const name = `metallb-must-gather-${stamp(opts.now ?? new Date())}`;
  const work = await mkdtemp(join(tmpdir(), 'metallb-must-gather-'));
  const folder = join(work, name);
  const bundle = new Bundle(folder);
  let namespace = '';
  try {
    if (cluster) {
      const kc = opts.kubeConfig ?? loadKubeConfig(opts.kubeconfig);
      namespace = opts.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'metallb-system';
      await collectCluster(bundle, { kc, namespace, exec: opts.exec ?? kubePodExec(kc), logLines: opts.logLines ?? 10000 });
    } else {
      await collectStandalone(bundle, opts);
    }
    await bundle.writeIndex({
      tool: 'metallb-ts must-gather',
      mode,
      created: (opts.now ?? new Date()).toISOString(),
      ...(cluster ? { namespace } : { pathspace: opts.pathspace ?? '' }),
    });
    const archive = resolve(opts.output, `${name}.tar.gz`);
    await makeArchive(folder, archive);
    return { archive, mode, collected: bundle.count('collected'), absent: bundle.count('absent'), failed: bundle.count('failed') };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
