// Upstream MetalLB's complete values file (FRR mode, fixtures/upstream-values.yaml) against this chart:
// it renders a working install, and every upstream key is either honoured (changing it changes what is
// rendered) or refused at install time by a template check whose message names the key and says what
// to use instead. Then the key families one by one: what "honoured" means for each.
import { describe, expect, it, beforeAll, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { find, render, renderObjects, repoRoot, type K8sObject } from './helm.js';
import { validateBuiltIn } from './validate.js';

jest.setTimeout(300_000);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Values = Record<string, any>;
const upstream = parse(readFileSync(join(repoRoot, 'test/chart/fixtures/upstream-values.yaml'), 'utf8')) as Values;
const appVersion = (parse(readFileSync(join(repoRoot, 'charts/metallb-ts/Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion;

const podTemplate = (o: K8sObject): any => (o.spec as any).template;
const container = (objs: K8sObject[], kind: string, name: string): any => {
  const spec = podTemplate(find(objs, kind)).spec;
  return [...spec.containers, ...(spec.initContainers ?? [])].find((c: any) => c.name === name);
};

function setPath(values: Values, path: string[], value: unknown): Values {
  const out = structuredClone(values);
  let cur = out;
  for (const k of path.slice(0, -1)) cur = cur[k] ??= {};
  cur[path[path.length - 1]] = value;
  return out;
}

function merge(base: Values, over: Values): Values {
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? merge(out[k], v) : v;
  }
  return out;
}

/** Leaves of the values tree: scalars, nulls, lists and empty maps. */
function leaves(v: Values, prefix: string[] = []): string[][] {
  return Object.entries(v).flatMap(([k, x]) =>
    x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length > 0 ? leaves(x, [...prefix, k]) : [[...prefix, k]]);
}

/** A valid value different from the current one, chosen by key (then by type). */
function changed(path: string[], current: unknown): unknown {
  const full = path.join('.');
  const key = path[path.length - 1];
  const byPath: Record<string, unknown> = {
    'prometheus.serviceAccount': 'other-prometheus', 'prometheus.namespace': 'other-monitoring',
    'controller.strategy.type': 'Recreate', 'speaker.updateStrategy.type': 'OnDelete',
    'frrk8s.namespace': 'frr-k8s-system', 'speaker.securityContext': { seccompProfile: { type: 'RuntimeDefault' } },
  };
  if (full in byPath) return byPath[full];
  const byKey: Record<string, unknown> = {
    logLevel: 'debug', webhookMode: 'disabled', validationFailurePolicy: 'Ignore', jobLabel: 'app.kubernetes.io/component',
    nameOverride: 'mlb', fullnameOverride: 'mlb', loadBalancerClass: 'example.com/lb', priorityClassName: 'high-priority',
    runtimeClassName: 'gvisor', name: 'custom-sa', repository: 'registry.example/mirror', tag: '9.9.9', pullPolicy: 'Always',
    minVersion: 'VersionTLS12', cipherSuites: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', curvePreferences: '29',
    controllerMetricsTLSSecret: 'metrics-cert', speakerMetricsTLSSecret: 'metrics-cert', interval: '30s', excludePools: '^lab$',
    mlBindAddrOverride: '192.0.2.10', mlSecretKeyPath: '/etc/other', bgpDebounceTimeout: 200, severity: 'info',
    annotations: { 'example.com/x': 'y' }, additionalLabels: { team: 'net' }, labels: { team: 'net' }, podAnnotations: { 'example.com/x': 'y' },
    nodeSelector: { 'example.com/pool': 'lb' }, resources: { limits: { cpu: '100m' } },
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'lb', operator: 'Exists' }] }] } } },
    imagePullSecrets: [{ name: 'regcred' }], tolerations: [{ key: 'example.com/t', operator: 'Exists', effect: 'NoSchedule' }],
    metricRelabelings: [{ action: 'drop', regex: 'go_.*', sourceLabels: ['__name__'] }],
    relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
    extraContainers: [{ name: 'sidecar', image: 'registry.example/sidecar:1' }], extraAlerts: [{ alert: 'Extra', expr: 'vector(1)' }],
    thresholds: [{ percent: 50, labels: { severity: 'info' } }],
  };
  if (key in byKey) return byKey[key];
  if (typeof current === 'boolean') return !current;
  if (typeof current === 'number') return current + 1;
  if (current && typeof current === 'object' && !Array.isArray(current)) return { 'example.com/x': 'y' };
  throw new Error(`no changed value for ${full} (${JSON.stringify(current)})`);
}

/**
 * Upstream keys whose value has no effect in metallb-ts, with the reason. Nothing else may be silent.
 * - mlSecretKeyPath: where upstream mounted the memberlist Secret; the speakers read it through the API.
 * - frr-k8s: values of upstream's frr-k8s subchart, which upstream does not install in FRR mode either.
 */
const NO_EFFECT = ['speaker.memberlist.mlSecretKeyPath', 'frr-k8s'];

// Every optional part switched on, so that the keys configuring those parts show their effect.
const baseline = merge(upstream, {
  prometheus: { serviceAccount: 'prometheus-k8s', namespace: 'monitoring', scrapeAnnotations: true,
    podMonitor: { enabled: true }, serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } },
  networkpolicies: { enabled: true },
});

let upstreamObjects: K8sObject[];

beforeAll(async () => {
  upstreamObjects = await renderObjects(upstream);
}, 60_000);

describe('upstream\'s complete values file (FRR mode)', () => {
  it('renders a working install: valid objects, metallb-ts images, both roles, the CRDs and the webhooks', async () => {
    expect(await validateBuiltIn(upstreamObjects)).toEqual([]);
    const images = upstreamObjects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
      .flatMap((o) => [...podTemplate(o).spec.containers, ...(podTemplate(o).spec.initContainers ?? [])].map((c: any) => c.image));
    expect([...new Set(images)].sort()).toEqual([`ghcr.io/metallb-ts/controller:${appVersion}`, `ghcr.io/metallb-ts/speaker:${appVersion}`, 'quay.io/frrouting/frr:10.5.3']);
    expect(upstreamObjects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(9);
    for (const [kind, name] of [['Deployment', 'metallb-controller'], ['DaemonSet', 'metallb-speaker'], ['ValidatingWebhookConfiguration', 'metallb-webhook-configuration'], ['Service', 'metallb-webhook-service']]) {
      expect(find(upstreamObjects, kind, name)).toBeDefined();
    }
  });

  it('honours or refuses every upstream key', async () => {
    const base = await render(baseline);
    expect(base.exitCode).toBe(0);
    const paths = leaves(upstream).map((p) => p.join('.'));
    expect(NO_EFFECT.filter((p) => !paths.includes(p))).toEqual([]);
    const silent: string[] = [];
    const refusedBadly: string[] = [];
    const refused: string[] = [];
    const queue = leaves(upstream).filter((p) => !NO_EFFECT.includes(p.join('.')));
    const current = (p: string[]) => p.reduce<any>((v, k) => v?.[k], baseline);
    // A few helm processes at a time: the machine is shared.
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const key = p.join('.');
        const r = await render(setPath(baseline, p, changed(p, current(p))), [], { reject: false });
        if (r.exitCode === 0) {
          if (r.stdout === base.stdout) silent.push(key);
        } else if (r.stderr.includes('execution error') && r.stderr.includes(key)) {
          refused.push(key);
        } else {
          refusedBadly.push(`${key}: ${r.stderr.trim().split('\n')[0]}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect({ silent, refusedBadly }).toEqual({ silent: [], refusedBadly: [] });
    // What is refused, each with its own message (the family tests below check the wording).
    expect(refused.sort()).toEqual([
      'controller.livenessProbe.port', 'controller.readinessProbe.port',
      'frrk8s.enabled', 'frrk8s.external', 'frrk8s.namespace', 'frrk8s.secretPassthrough',
      'speaker.frr.enabled', 'speaker.frr.metricsPort', 'speaker.frrMetrics.resources',
      'speaker.initContainers.cpMetrics.resources', 'speaker.initContainers.cpReloader.resources',
      'speaker.livenessProbe.port', 'speaker.readinessProbe.port', 'speaker.reloader.resources',
      'tls.cipherSuites', 'tls.curvePreferences', 'tls.minVersion',
    ]);
  });
});

describe('upstream key families', () => {
  it('image: a null tag is the chart\'s appVersion, upstream\'s repositories are metallb-ts\'s, a null pullPolicy is left out', async () => {
    const controller = container(upstreamObjects, 'Deployment', 'controller');
    const speaker = container(upstreamObjects, 'DaemonSet', 'speaker');
    expect(controller.image).toBe(`ghcr.io/metallb-ts/controller:${appVersion}`);
    expect(speaker.image).toBe(`ghcr.io/metallb-ts/speaker:${appVersion}`);
    expect(JSON.stringify(upstreamObjects)).not.toContain('<nil>');
    expect(controller.imagePullPolicy).toBeUndefined();
    const set = await renderObjects(merge(upstream, { controller: { image: { repository: 'registry.example/mlb', tag: 'v2', pullPolicy: 'Always' } } }));
    expect(container(set, 'Deployment', 'controller')).toMatchObject({ image: 'registry.example/mlb:v2', imagePullPolicy: 'Always' });
  });

  it('livenessProbe.port / readinessProbe.port: the health server\'s port, refused when the two differ', async () => {
    const objs = await renderObjects(merge(upstream, {
      controller: { livenessProbe: { port: 18000 }, readinessProbe: { port: 18000 } },
      speaker: { livenessProbe: { port: 18001 }, readinessProbe: { port: 18001 } },
    }));
    const c = container(objs, 'Deployment', 'controller');
    expect(c.args).toContain('--health-probe-port=18000');
    expect(c.ports.find((p: any) => p.name === c.livenessProbe.httpGet.port).containerPort).toBe(18000);
    const s = container(objs, 'DaemonSet', 'speaker');
    expect(s.args).toContain('--health-probe-port=18001');
    for (const p of [s.livenessProbe, s.readinessProbe, s.startupProbe]) expect(p.httpGet.port).toBe(18001);
    const split = await render(merge(upstream, { speaker: { readinessProbe: { port: 18002 } } }), [], { reject: false });
    expect(split.exitCode).not.toBe(0);
    expect(split.stderr).toContain('speaker.readinessProbe.port=18002 differs from speaker.livenessProbe.port=17472');
  });

  it('prometheusRule.*.excludePools: those pools are left out of their alerts only', async () => {
    const objs = await renderObjects(merge(upstream, { prometheus: { prometheusRule: { enabled: true,
      addressPoolExhausted: { excludePools: 'lab' }, addressPoolUsage: { excludePools: 'test-.*' } } } }));
    const rules = (find(objs, 'PrometheusRule') as any).spec.groups[0].rules as Array<{ alert: string; expr: string }>;
    const expr = (a: string) => rules.find((r) => r.alert === a)!.expr;
    expect(expr('MetalLBAddressPoolExhausted')).toBe('max by (pool) (metallb_allocator_addresses_in_use_total{pool!~"lab"}) >= on (pool) max by (pool) (metallb_allocator_addresses_total{pool!~"lab"})');
    for (const p of [75, 85, 95]) expect(expr(`MetalLBAddressPoolUsage${p}Percent`)).toContain('{pool!~"test-.*"}');
    expect(expr('MetalLBStaleConfig')).not.toContain('pool!~');
  });

  it('networkpolicies.*: upstream\'s policies for the controller, and a default deny when asked', async () => {
    expect(upstreamObjects.some((o) => o.kind === 'NetworkPolicy')).toBe(false);
    const objs = await renderObjects(merge(upstream, { networkpolicies: { enabled: true, apiPort: 16443 } }));
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['controller']);
    const np = find(objs, 'NetworkPolicy', 'controller') as any;
    expect(np.metadata.namespace).toBe('metallb-system');
    expect(np.spec.podSelector.matchLabels).toEqual((find(objs, 'Deployment').spec as any).selector.matchLabels);
    expect(np.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(np.spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 16443 }] }]);
    // Ingress only on the ports the controller serves, by the names its container gives them.
    expect(np.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 'metricshttps' }, { protocol: 'TCP', port: 'webhook-server' }] }]);
    const names = container(objs, 'Deployment', 'controller').ports.map((p: any) => p.name);
    for (const p of np.spec.ingress[0].ports) expect(names).toContain(p.port);
    const deny = await renderObjects(merge(upstream, { networkpolicies: { enabled: true, defaultDeny: true }, controller: { webhookMode: 'disabled' } }));
    expect(find(deny, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect((find(deny, 'NetworkPolicy', 'controller') as any).spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'metricshttps' }]);
  });

  it('crds.enabled: false leaves out the CRDs and nothing else', async () => {
    expect(upstreamObjects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(9);
    const objs = await renderObjects(merge(upstream, { crds: { enabled: false } }));
    expect(objs.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
    const names = (list: K8sObject[]) => list.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(objs)).toEqual(names(upstreamObjects.filter((o) => o.kind !== 'CustomResourceDefinition')));
  });

  it('tls.*: the metrics certificate Secrets are mounted and used; the Go TLS tuning is refused, saying why', async () => {
    const objs = await renderObjects(merge(upstream, { tls: { controllerMetricsTLSSecret: 'ctl-cert', speakerMetricsTLSSecret: 'spk-cert', minVersion: 'VersionTLS13' } }));
    for (const [kind, name, secret] of [['Deployment', 'controller', 'ctl-cert'], ['DaemonSet', 'speaker', 'spk-cert']]) {
      const c = container(objs, kind, name);
      expect(c.args).toContain('--metrics-cert-dir=/etc/metrics');
      const mount = c.volumeMounts.find((m: any) => m.mountPath === '/etc/metrics');
      expect(podTemplate(find(objs, kind)).spec.volumes.find((v: any) => v.name === mount.name).secret.secretName).toBe(secret);
    }
    const refusals: Array<[Values, string]> = [
      [{ tls: { minVersion: 'VersionTLS12' } }, 'tls.minVersion="VersionTLS12": metallb-ts serves TLS 1.3 only; leave tls.minVersion empty or set VersionTLS13'],
      [{ tls: { cipherSuites: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' } }, 'remove tls.cipherSuites'],
      [{ tls: { curvePreferences: '29,23' } }, 'remove tls.curvePreferences'],
    ];
    for (const [over, message] of refusals) {
      const r = await render(merge(upstream, over), [], { reject: false });
      expect({ over, exit: r.exitCode === 0, message: r.stderr.includes(message) }).toEqual({ over, exit: false, message: true });
    }
  });

  it('frrk8s.*, speaker.frr.metricsPort and the missing sidecars: accepted at upstream\'s FRR-mode defaults, refused otherwise', async () => {
    const refusals: Array<[Values, string]> = [
      [{ frrk8s: { enabled: true } }, 'frrk8s.enabled=true: metallb-ts drives FRR inside the speaker pod'],
      [{ frrk8s: { external: true } }, 'frrk8s.external=true'],
      [{ frrk8s: { secretPassthrough: true } }, 'frrk8s.secretPassthrough=true'],
      [{ speaker: { frr: { metricsPort: 9200 } } }, 'speaker.frr.metricsPort=9200: metallb-ts has no frr-metrics container; the speaker serves metallb_bgp_* and metallb_bfd_* on prometheus.metricsPort'],
      [{ speaker: { reloader: { resources: { limits: { cpu: '50m' } } } } }, 'speaker.reloader.resources is set: metallb-ts has no reloader container'],
      [{ speaker: { frrMetrics: { resources: { limits: { cpu: '50m' } } } } }, 'speaker.frrMetrics.resources is set'],
      [{ speaker: { initContainers: { cpMetrics: { resources: { limits: { cpu: '50m' } } } } } }, 'speaker.initContainers.cpMetrics.resources is set'],
    ];
    for (const [over, message] of refusals) {
      const r = await render(merge(upstream, over), [], { reject: false });
      expect({ over, exit: r.exitCode === 0, message: r.stderr.includes(message) }).toEqual({ over, exit: false, message: true });
    }
    // frr-k8s subchart values are as unused as in upstream's FRR mode.
    expect((await render(merge(upstream, { 'frr-k8s': { prometheus: { serviceMonitor: { enabled: true } } } }))).stdout).toBe((await render(upstream)).stdout);
  });

  it('keys of older upstream charts are refused with their replacement', async () => {
    const refusals: Array<[Values, string]> = [
      [{ prometheus: { secureMetricsPort: 9120 } }, 'prometheus.secureMetricsPort is not used by this chart: metrics are HTTPS on prometheus.metricsPort'],
      [{ prometheus: { speakerMetricsTLSSecret: 'x' } }, 'use tls.speakerMetricsTLSSecret'],
      [{ controller: { command: '/controller' } }, 'controller.command is not used by this chart'],
      [{ configInline: {} }, 'configInline is not used by this chart'],
      [{ speaker: { memberlist: { secretName: 'x' } } }, 'use speaker.secretName'],
      [{ controller: { healthProbePort: 17472 } }, 'use controller.livenessProbe.port and controller.readinessProbe.port'],
    ];
    for (const [over, message] of refusals) {
      const r = await render(merge(upstream, over), [], { reject: false });
      expect({ over, exit: r.exitCode === 0, message: r.stderr.includes(message) }).toEqual({ over, exit: false, message: true });
    }
    // A key no chart ever had is a schema error, not silence.
    const typo = await render(merge(upstream, { speaker: { tolerateMastr: true } }), [], { reject: false });
    expect(typo.exitCode).not.toBe(0);
    expect(typo.stderr).toContain('tolerateMastr');
  });

  it('serviceMonitor.*.tlsConfig and the bearer token: as upstream\'s chart renders them', async () => {
    const objs = await renderObjects(merge(upstream, { prometheus: { serviceMonitor: { enabled: true }, serviceAccount: 'prometheus-k8s', namespace: 'monitoring' } }));
    for (const component of ['controller', 'speaker']) {
      const ep = (find(objs, 'ServiceMonitor', `metallb-${component}-monitor`) as any).spec.endpoints[0];
      expect(ep).toMatchObject({ port: 'metricshttps', scheme: 'https', honorLabels: true,
        bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token', tlsConfig: { insecureSkipVerify: true } });
    }
  });
});
