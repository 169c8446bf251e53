// The Helm chart: lint, render with defaults and with every value set, validate what it renders, and
// check that the settings land where a MetalLB user expects them.
import { describe, expect, it, beforeAll, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Registry } from 'prom-client';
import { allocatorMetrics, configMetrics, speakerMetrics } from '../../src/metrics/product.js';
import { chartDir, find, helm, render, renderObjects, repoRoot, type K8sObject } from './helm.js';
import { validateBuiltIn } from './validate.js';
import { metricNames, productSource } from './source-scan.js';

// helm runs a process per render; on a busy machine a few of them exceed jest's 5 s default.
jest.setTimeout(60_000);

const allValuesFile = join(repoRoot, 'test/chart/fixtures/all-values.yaml');
const upstreamValuesFile = join(repoRoot, 'test/chart/fixtures/upstream-values.yaml');
const allValues = parse(readFileSync(allValuesFile, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/* eslint-disable @typescript-eslint/no-explicit-any */
type Pod = { spec: any; metadata: any };
const podTemplate = (o: K8sObject): Pod => (o.spec as any).template as Pod;
const container = (pod: Pod, name: string): any => {
  const c = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].find((x: any) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
};
const envOf = (c: any, name: string): any => (c.env ?? []).find((e: any) => e.name === name);

let defaults: K8sObject[];
let everything: K8sObject[];

beforeAll(async () => {
  defaults = await renderObjects();
  everything = await renderObjects(allValues);
}, 60_000);

describe('helm lint and render', () => {
  it('passes helm lint --strict (subchart included) with defaults, with every value set and with upstream\'s values', async () => {
    for (const extra of [[], ['-f', allValuesFile], ['-f', upstreamValuesFile]]) {
      const r = await helm(['lint', '--strict', '--with-subcharts', chartDir, ...extra], { reject: false });
      expect({ extra, out: r.stdout + r.stderr }).toEqual({ extra, out: expect.stringContaining('0 chart(s) failed') });
      expect(r.stdout + r.stderr).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(r.exitCode).toBe(0);
    }
  });

  it('renders only objects whose built-in kinds validate against the Kubernetes schemas', async () => {
    expect(await validateBuiltIn(defaults)).toEqual([]);
    expect(await validateBuiltIn(everything)).toEqual([]);
    // The validator is not vacuous: a broken object is reported.
    const broken = structuredClone(find(defaults, 'DaemonSet'));
    (broken.spec as any).template.spec.containers[0].ports[0].containerPort = 'ninety';
    expect((await validateBuiltIn([broken]))[0]).toMatch(/containerPort/);
  });

  it('renders the expected set of objects with defaults', () => {
    // The nine CRDs come from the crds subchart (upgrade-from-upstream.test.ts); nothing else is a Secret
    // with data: the memberlist key and the webhook certificate are made by the controller at run time.
    const kinds = defaults.filter((o) => o.kind !== 'CustomResourceDefinition').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ClusterRole/metallb:controller', 'ClusterRole/metallb:speaker',
      'ClusterRoleBinding/metallb:controller', 'ClusterRoleBinding/metallb:speaker',
      'ConfigMap/metallb-excludel2', 'ConfigMap/metallb-frr-startup',
      'DaemonSet/metallb-speaker', 'Deployment/metallb-controller',
      'Role/metallb-controller', 'Role/metallb-speaker',
      'RoleBinding/metallb-controller', 'RoleBinding/metallb-speaker',
      'Secret/metallb-webhook-cert',
      'Service/metallb-webhook-service',
      'ServiceAccount/metallb-controller', 'ServiceAccount/metallb-speaker',
      'ValidatingWebhookConfiguration/metallb-webhook-configuration',
    ]);
    for (const o of defaults) {
      if (!o.kind.startsWith('Cluster') && !['ValidatingWebhookConfiguration', 'CustomResourceDefinition'].includes(o.kind)) expect(o.metadata.namespace).toBe('metallb-system');
    }
  });

  it('refuses upstream modes metallb-ts does not have, and bad values, with a message naming the value', async () => {
    const frrk8s = await render({ frrk8s: { enabled: true } }, [], { reject: false });
    expect(frrk8s.exitCode).not.toBe(0);
    expect(frrk8s.stderr).toContain('frrk8s.enabled=true');
    const noFrr = await render({ speaker: { frr: { enabled: false } } }, [], { reject: false });
    expect(noFrr.exitCode).not.toBe(0);
    expect(noFrr.stderr).toContain('speaker.frr.enabled=false');
    const badLevel = await render({ speaker: { logLevel: 'verbose' } }, [], { reject: false });
    expect(badLevel.exitCode).not.toBe(0);
    expect(badLevel.stderr).toContain('speaker.logLevel');
    const badMode = await render({ controller: { webhookMode: 'sometimes' } }, [], { reject: false });
    expect(badMode.stderr).toContain('controller.webhookMode');
    const noPromSa = await render({ prometheus: { serviceMonitor: { enabled: true } } }, [], { reject: false });
    expect(noPromSa.stderr).toContain('prometheus.serviceAccount');
    const helmCerts = await render({ webhook: { certificateMode: 'helm' } }, [], { reject: false });
    expect(helmCerts.exitCode).not.toBe(0);
    expect(helmCerts.stderr).toContain('webhook.certificateMode=helm was removed');
  });
});

describe('speaker DaemonSet', () => {
  it('runs on the host network with a speaker and an frr container sharing the FRR sockets and /etc/frr', () => {
    const pod = podTemplate(find(defaults, 'DaemonSet'));
    expect(pod.spec.hostNetwork).toBe(true);
    expect(pod.spec.shareProcessNamespace).toBeUndefined();
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['speaker', 'frr']);
    for (const name of ['speaker', 'frr']) {
      const mounts = Object.fromEntries(container(pod, name).volumeMounts.map((m: any) => [m.name, m.mountPath]));
      expect(mounts['frr-sockets']).toBe('/var/run/frr');
      expect(mounts['frr-conf']).toBe('/etc/frr');
    }
    const vols = Object.fromEntries(pod.spec.volumes.map((v: any) => [v.name, v]));
    expect(vols['frr-sockets'].emptyDir).toEqual({});
    expect(vols['frr-conf'].emptyDir).toEqual({});
    expect(vols['frr-startup'].configMap.name).toBe('metallb-frr-startup');
    expect(container(pod, 'frr').image).toBe('quay.io/frrouting/frr:9.1.0');
  });

  it('copies the start-up files from the ConfigMap built from files/frr/ before FRR starts', () => {
    const pod = podTemplate(find(defaults, 'DaemonSet'));
    const init = container(pod, 'cp-frr-files');
    expect(init.command.join(' ')).toContain('cp -Lf /tmp/frr/daemons /tmp/frr/vtysh.conf /tmp/frr/frr.conf /etc/frr/');
    expect(init.volumeMounts.map((m: any) => `${m.name}:${m.mountPath}`).sort()).toEqual(['frr-conf:/etc/frr', 'frr-startup:/tmp/frr']);
    const cm = find(defaults, 'ConfigMap', 'metallb-frr-startup').data as Record<string, string>;
    expect(Object.keys(cm).sort()).toEqual(['daemons', 'entrypoint.sh', 'frr.conf', 'vtysh.conf']);
    for (const f of Object.keys(cm)) {
      expect(cm[f].trim()).toBe(readFileSync(join(chartDir, 'files/frr', f), 'utf8').trim());
    }
    expect(cm['daemons']).toMatch(/^bgpd=yes$/m);
    expect(cm['daemons']).toMatch(/^bfdd=yes$/m);
    expect(cm['vtysh.conf']).toContain('service integrated-vtysh-config');
  });

  it('checks FRR liveness with vtysh show daemons and gives the speaker only NET_RAW', () => {
    const pod = podTemplate(find(defaults, 'DaemonSet'));
    const frr = container(pod, 'frr');
    for (const probe of [frr.livenessProbe, frr.startupProbe]) {
      expect(probe.exec.command.join(' ')).toContain("vtysh -c 'show daemons'");
      expect(probe.exec.command.join(' ')).toContain('for d in zebra bgpd bfdd staticd watchfrr');
    }
    // Every FRR start goes through frr/entrypoint.sh, which boots from the bootstrap frr.conf.
    expect(frr.command).toEqual(['/sbin/tini', '--', '/bin/sh', '/etc/frr-startup/entrypoint.sh']);
    expect(envOf(frr, 'FRR_SOURCE_DIR').value).toBe('/etc/frr-startup');
    expect(frr.volumeMounts.find((m: any) => m.name === 'frr-startup').mountPath).toBe('/etc/frr-startup');
    const speaker = container(pod, 'speaker');
    expect(speaker.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_RAW'] });
    expect(speaker.securityContext.readOnlyRootFilesystem).toBe(true);
    // Instead of more capabilities, the groups owning FRR's vty sockets.
    expect(pod.spec.securityContext.supplementalGroups).toEqual([101, 102]);
    expect(speaker.args).toContain('--node=$(METALLB_NODE_NAME)');
    expect(envOf(speaker, 'METALLB_NODE_NAME').valueFrom.fieldRef.fieldPath).toBe('spec.nodeName');
    expect(speaker.args).toContain('--frr-config-file=/etc/frr/frr.conf');
    expect(envOf(speaker, 'METALLB_POD_UID').valueFrom.fieldRef.fieldPath).toBe('metadata.uid');
    expect(speaker.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 17472, host: '127.0.0.1' });
    expect(speaker.readinessProbe.httpGet.path).toBe('/readyz');
  });

  it('wires memberlist: the controller makes the Secret the speakers read through the API, UDP and TCP 7946', async () => {
    const pod = podTemplate(find(defaults, 'DaemonSet'));
    const speaker = container(pod, 'speaker');
    expect(speaker.args).toEqual(expect.arrayContaining(['--ml-secret-name=metallb-memberlist', '--ml-port=7946',
      '--ml-labels=app.kubernetes.io/name=metallb,app.kubernetes.io/instance=metallb,app.kubernetes.io/component=speaker']));
    // The membership is the pods matching --ml-labels: they must be the speaker pods themselves.
    for (const kv of speaker.args.find((a: string) => a.startsWith('--ml-labels=')).slice('--ml-labels='.length).split(',')) {
      const [k, v] = kv.split('=');
      expect(pod.metadata.labels[k]).toBe(v);
    }
    // No Secret in the chart (a random key per render would split the membership) and none mounted or
    // read from env: the speaker starts before the controller has made it and picks it up when it appears.
    expect(defaults.some((o) => o.kind === 'Secret' && o.metadata.name.endsWith('memberlist'))).toBe(false);
    expect(JSON.stringify(pod.spec.volumes)).not.toContain('memberlist');
    expect(JSON.stringify(speaker.env)).not.toContain('secretKeyRef');
    const controller = container(podTemplate(find(defaults, 'Deployment')), 'controller');
    expect(controller.args).toEqual(expect.arrayContaining(['--ml-secret-name=metallb-memberlist', '--deployment=metallb-controller']));
    expect(find(defaults, 'Deployment').metadata.name).toBe('metallb-controller');
    expect(speaker.ports.filter((p: any) => p.containerPort === 7946).map((p: any) => p.protocol).sort()).toEqual(['TCP', 'UDP']);
    // upstream's speaker.secretName names it.
    const named = await renderObjects({ speaker: { secretName: 'ml-key' } });
    expect(container(podTemplate(find(named, 'DaemonSet')), 'speaker').args).toContain('--ml-secret-name=ml-key');
    expect(container(podTemplate(find(named, 'Deployment')), 'controller').args).toContain('--ml-secret-name=ml-key');
    // With memberlist off nothing of it renders.
    const objs = await renderObjects({ speaker: { memberlist: { enabled: false } } });
    expect(container(podTemplate(find(objs, 'DaemonSet')), 'speaker').args.join(' ')).not.toContain('--ml-');
    expect(container(podTemplate(find(objs, 'Deployment')), 'controller').args.join(' ')).not.toMatch(/--ml-secret-name|--deployment/);
  });

  it('passes the interface exclusions to the speaker and writes them to the excludel2 ConfigMap', async () => {
    const pod = podTemplate(find(everything, 'DaemonSet'));
    const speaker = container(pod, 'speaker');
    // The speaker reads the mounted ConfigMap (so edits to it count), no pattern is repeated as a flag.
    expect(speaker.args.filter((a: string) => a.startsWith('--exclude-interfaces'))).toEqual(['--exclude-interfaces-file=/etc/metallb/excludel2.yaml']);
    expect(speaker.volumeMounts.find((m: any) => m.name === 'metallb-excludel2').mountPath).toBe('/etc/metallb');
    const cm = find(everything, 'ConfigMap', 'metallb-excludel2').data as Record<string, string>;
    expect(parse(cm['excludel2.yaml'])).toEqual({ announcedInterfacesToExclude: ['^docker.*', '^veth.*', '^lo$'] });
    // Off means nothing is excluded, not the speaker's built-in list.
    const off = await renderObjects({ speaker: { excludeInterfaces: { enabled: false } } });
    const s = container(podTemplate(find(off, 'DaemonSet')), 'speaker');
    expect(s.args.filter((a: string) => a.startsWith('--exclude-interfaces'))).toEqual(['--exclude-interfaces=^$']);
    expect(off.some((o) => o.metadata.name === 'metallb-excludel2')).toBe(false);
  });
});

describe('deployment settings land where asked (the MetalLB resource settings, per component)', () => {
  it('puts speaker tolerations, node selector, priority, affinity, resources, runtime class, annotations and labels on the speaker only', () => {
    const ds = find(everything, 'DaemonSet');
    const pod = podTemplate(ds);
    expect(pod.spec.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'Example', operator: 'Exists', effect: 'NoExecute' },
    ]);
    expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' });
    expect(pod.spec.priorityClassName).toBe('high-priority');
    expect(pod.spec.runtimeClassName).toBe('runc-hostnet');
    expect(pod.spec.affinity).toEqual(allValues.speaker.affinity);
    expect(pod.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' }, supplementalGroups: [101, 102] });
    expect(container(pod, 'speaker').resources).toEqual(allValues.speaker.resources);
    expect(container(pod, 'frr').resources).toEqual(allValues.speaker.frr.resources);
    expect(container(pod, 'cp-frr-files').resources).toEqual(allValues.speaker.initContainers.cpFrrFiles.resources);
    expect(pod.metadata.annotations['example.com/speaker']).toBe('yes');
    expect(pod.metadata.annotations['prometheus.io/port']).toBe('9200');
    expect(pod.metadata.annotations['prometheus.io/scheme']).toBe('https');
    expect(pod.metadata.labels.app).toBe('metallb');
    expect(ds.metadata.labels?.app).toBe('metallb');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.spec.serviceAccountName).toBe('mlb-speaker');
    expect((ds.spec as any).updateStrategy).toEqual(allValues.speaker.updateStrategy);
  });

  it('puts controller tolerations, node selector, priority, affinity, resources, runtime class, annotations and labels on the controller only', () => {
    const dep = find(everything, 'Deployment');
    const pod = podTemplate(dep);
    expect(pod.spec.tolerations).toEqual([{ key: 'infra', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/infra': '' });
    expect(pod.spec.priorityClassName).toBe('high-priority');
    expect(pod.spec.runtimeClassName).toBe('gvisor');
    expect(pod.spec.affinity.podAffinity).toEqual(allValues.controller.affinity.podAffinity);
    expect(container(pod, 'controller').resources).toEqual({ limits: { cpu: '200m', memory: '200Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
    expect(pod.metadata.annotations['example.com/controller']).toBe('yes');
    expect(pod.metadata.labels.app).toBe('metallb');
    expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 });
    expect((dep.spec as any).strategy).toEqual({ type: 'Recreate' });
    expect(container(pod, 'sidecar').image).toBe('registry.example/sidecar:1');
    // Defaults leave scheduling alone apart from the Linux node selector and the control-plane tolerations.
    const d = podTemplate(find(defaults, 'Deployment'));
    expect(d.spec.tolerations).toBeUndefined();
    expect(d.spec.priorityClassName).toBeUndefined();
    expect(d.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
  });

  it('passes log level, load balancer class, ports, webhook mode, debounce and FRR log level to the roles', () => {
    const c = container(podTemplate(find(everything, 'Deployment')), 'controller');
    expect(c.image).toBe('registry.example/metallb-ts/controller:1.2.3');
    expect(c.args).toEqual(expect.arrayContaining(['--log-level=debug', '--lb-class=example.com/metallb-ts', '--webhook-mode=enabled',
      '--port=9200', '--health-probe-port=17500', '--webhook-http2', '--metrics-cert-dir=/etc/metrics']));
    expect(c.volumeMounts.find((m: any) => m.name === 'metrics-certs').mountPath).toBe('/etc/metrics');
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.ports.find((p: any) => p.name === 'health').containerPort).toBe(17500);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(envOf(c, 'EXTRA_CONTROLLER').value).toBe('1');
    expect(envOf(c, 'METALLB_POD_UID').valueFrom.fieldRef.fieldPath).toBe('metadata.uid');
    // cert-manager's certificate: the webhook server reads it where the chart mounts it.
    expect(c.args).toEqual(expect.arrayContaining(['--webhook-port=9443', '--cert-dir=/tmp/k8s-webhook-server/serving-certs', '--disable-cert-rotation']));
    expect(c.volumeMounts.find((m: any) => m.name === 'cert').mountPath).toBe('/tmp/k8s-webhook-server/serving-certs');
    const s = container(podTemplate(find(everything, 'DaemonSet')), 'speaker');
    expect(s.args).toEqual(expect.arrayContaining(['--log-level=warn', '--lb-class=example.com/metallb-ts', '--port=9200',
      '--health-probe-port=17501', '--ml-secret-name=mlb-ml', '--example-flag', '--bgp-debounce-ms=500',
      '--ml-bind-addr=192.0.2.10', '--ml-port=7947', '--ignore-exclude-lb', '--metrics-cert-dir=/etc/metrics']));
    const speakerPod = podTemplate(find(everything, 'DaemonSet'));
    expect(speakerPod.spec.volumes.find((v: any) => v.name === 'metrics-certs').secret.secretName).toBe('speaker-metrics-cert');
    expect(envOf(s, 'FRR_LOGGING_LEVEL').value).toBe('debugging');
    // Without those values nothing is passed and the roles use their defaults.
    const d = container(podTemplate(find(defaults, 'DaemonSet')), 'speaker');
    expect(d.args.join(' ')).not.toContain('--lb-class');
    expect(d.args.join(' ')).not.toMatch(/--bgp-debounce-ms|--ignore-exclude-lb|--ml-bind-addr/);
    expect(envOf(d, 'FRR_LOGGING_LEVEL')).toBeUndefined();
  });
});

describe('RBAC', () => {
  const rules = (objs: K8sObject[], kind: string, name: string): any[] => find(objs, kind, name).rules as any[];

  it('uses no wildcard verbs, resources or groups anywhere', () => {
    for (const objs of [defaults, everything]) {
      for (const o of objs.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
        for (const r of o.rules as any[]) {
          expect({ role: o.metadata.name, verbs: r.verbs }).toEqual({ role: o.metadata.name, verbs: expect.not.arrayContaining(['*']) });
          expect(r.resources ?? []).not.toContain('*');
          expect(r.apiGroups ?? []).not.toContain('*');
        }
      }
    }
  });

  it('gives cluster-wide write access only to Service status, events, the BGPPeer CRD, the webhook configuration and reviews, and Secrets only in the namespace', () => {
    const namedOnly: Record<string, string[]> = {
      customresourcedefinitions: ['bgppeers.metallb.io'], validatingwebhookconfigurations: ['metallb-webhook-configuration'],
    };
    for (const name of ['metallb:controller', 'metallb:speaker']) {
      for (const r of rules(defaults, 'ClusterRole', name)) {
        expect(r.resources).not.toContain('secrets');
        const writes = r.verbs.filter((v: string) => !['get', 'list', 'watch'].includes(v));
        if (writes.length === 0) continue;
        const target = `${r.apiGroups.join(',')}:${r.resources.join(',')}`;
        // Reviews are create-only requests that change nothing.
        if (r.resources.includes('tokenreviews') || r.resources.includes('subjectaccessreviews')) {
          expect({ target, verbs: r.verbs }).toEqual({ target, verbs: ['create'] });
          continue;
        }
        expect(['services/status', 'events', ...Object.keys(namedOnly)].some((res) => r.resources.includes(res))).toBe(true);
        for (const [res, names] of Object.entries(namedOnly)) if (r.resources.includes(res)) expect({ target, names: r.resourceNames }).toEqual({ target, names });
      }
    }
    for (const name of ['metallb-controller', 'metallb-speaker']) {
      const secretRule = rules(defaults, 'Role', name).find((r) => r.resources.includes('secrets'));
      expect(secretRule.verbs).toEqual(['get', 'list', 'watch']);
    }
    // The controller changes only the two Secrets it makes, and reads only its own Deployment.
    const ctl = rules(defaults, 'Role', 'metallb-controller');
    const secretWrites = ctl.filter((r) => r.resources.includes('secrets') && r.verbs.some((v: string) => ['update', 'patch', 'delete'].includes(v)));
    expect(secretWrites).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['metallb-webhook-cert', 'metallb-memberlist'], verbs: ['update', 'patch'] }]);
    expect(ctl.find((r) => r.resources.includes('deployments'))).toEqual({ apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['metallb-controller'], verbs: ['get'] });
    expect(rules(defaults, 'Role', 'metallb-speaker').some((r) => r.resources.includes('secrets') && r.verbs.some((v: string) => !['get', 'list', 'watch'].includes(v)))).toBe(false);
  });

  it('lets both roles review the tokens of metrics scrapers, and grants Prometheus get on /metrics, as upstream', async () => {
    for (const name of ['metallb:controller', 'metallb:speaker']) {
      const r = rules(defaults, 'ClusterRole', name);
      expect(r).toEqual(expect.arrayContaining([
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ]));
    }
    expect(rules(everything, 'ClusterRole', 'mlb:metrics-reader')).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    expect((find(everything, 'ClusterRoleBinding', 'mlb:metrics-reader') as any).subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' }]);
    // Plain HTTP metrics need none of it.
    const insecure = await renderObjects({ prometheus: { metricsInsecure: true, serviceMonitor: { enabled: true }, serviceAccount: 'p', namespace: 'm' } });
    expect(JSON.stringify(insecure.filter((o) => o.kind.endsWith('Role')))).not.toMatch(/tokenreviews|subjectaccessreviews|nonResourceURLs/);
  });

  it('lets each role do what it needs', () => {
    const can = (objs: K8sObject[], kind: string, name: string, group: string, resource: string, verb: string) =>
      rules(objs, kind, name).some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    expect(can(defaults, 'ClusterRole', 'metallb:controller', '', 'services/status', 'update')).toBe(true);
    expect(can(defaults, 'ClusterRole', 'metallb:controller', '', 'services', 'watch')).toBe(true);
    expect(can(defaults, 'ClusterRole', 'metallb:controller', '', 'services', 'update')).toBe(false);
    expect(can(defaults, 'ClusterRole', 'metallb:controller', '', 'nodes', 'list')).toBe(true);
    expect(can(defaults, 'Role', 'metallb-controller', 'metallb.io', 'ipaddresspools/status', 'update')).toBe(true);
    expect(can(defaults, 'Role', 'metallb-controller', 'metallb.io', 'configurationstates', 'create')).toBe(true);
    expect(can(defaults, 'Role', 'metallb-controller', 'metallb.io', 'bgppeers', 'update')).toBe(false);
    expect(can(defaults, 'ClusterRole', 'metallb:speaker', 'discovery.k8s.io', 'endpointslices', 'watch')).toBe(true);
    expect(can(defaults, 'ClusterRole', 'metallb:speaker', '', 'events', 'create')).toBe(true);
    expect(can(defaults, 'ClusterRole', 'metallb:speaker', '', 'services', 'update')).toBe(false);
    for (const res of ['servicel2statuses', 'servicebgpstatuses', 'configurationstates']) {
      expect(can(defaults, 'Role', 'metallb-speaker', 'metallb.io', res, 'create')).toBe(true);
      expect(can(defaults, 'Role', 'metallb-speaker', 'metallb.io', res, 'delete')).toBe(true);
    }
    expect(can(defaults, 'Role', 'metallb-speaker', '', 'pods', 'watch')).toBe(true);
    // No frr-k8s: nothing about frrconfigurations.
    const all = JSON.stringify(defaults.filter((o) => o.kind.endsWith('Role')));
    expect(all).not.toContain('frrconfigurations');
  });

  it('binds each role to its own service account', () => {
    for (const [kind, name, sa] of [['ClusterRoleBinding', 'mlb:controller', 'mlb-ctrl'], ['ClusterRoleBinding', 'mlb:speaker', 'mlb-speaker'],
      ['RoleBinding', 'mlb-controller', 'mlb-ctrl'], ['RoleBinding', 'mlb-speaker', 'mlb-speaker']] as const) {
      const b = find(everything, kind, name) as any;
      expect(b.roleRef.name).toBe(name);
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: 'metallb-system' }]);
    }
  });
});

describe('webhooks', () => {
  const expectedPaths = [
    '/validate-metallb-io-v1beta1-ipaddresspool', '/validate-metallb-io-v1beta2-bgppeer', '/validate-metallb-io-v1beta1-bgpadvertisement',
    '/validate-metallb-io-v1beta1-l2advertisement', '/validate-metallb-io-v1beta1-community', '/validate-metallb-io-v1beta1-bfdprofile',
  ];

  it('registers one webhook per kind at the paths the controller serves, all Fail/None by default', () => {
    const vwc = find(defaults, 'ValidatingWebhookConfiguration') as any;
    expect(vwc.webhooks.map((w: any) => w.clientConfig.service.path)).toEqual(expectedPaths);
    for (const w of vwc.webhooks) {
      expect(w.failurePolicy).toBe('Fail');
      expect(w.sideEffects).toBe('None');
      expect(w.clientConfig.service).toMatchObject({ name: 'metallb-webhook-service', namespace: 'metallb-system' });
      expect(w.rules[0].apiGroups).toEqual(['metallb.io']);
    }
    const bfd = vwc.webhooks.find((w: any) => w.rules[0].resources[0] === 'bfdprofiles');
    expect(bfd.rules[0].operations).toEqual(['CREATE', 'DELETE']);
    expect((find(everything, 'ValidatingWebhookConfiguration') as any).webhooks[0].failurePolicy).toBe('Ignore');
  });

  it('uses the same paths as the product webhook server', () => {
    const src = productSource('webhook');
    const missing = expectedPaths.filter((p) => !src.includes(p) && !src.includes(p.replace('/validate-metallb-io-', '')));
    expect(missing).toEqual([]);
  });

  it('routes Service 443 to the controller port 9443, whose certificate the controller keeps in metallb-webhook-cert', () => {
    const svc = find(defaults, 'Service', 'metallb-webhook-service') as any;
    expect(svc.spec.ports[0]).toMatchObject({ port: 443, targetPort: 9443 });
    expect(svc.spec.selector['app.kubernetes.io/component']).toBe('controller');
    const pod = podTemplate(find(defaults, 'Deployment'));
    const c = container(pod, 'controller');
    expect(c.ports.find((p: any) => p.name === 'webhook-server').containerPort).toBe(9443);
    // The certificate is made for the Service the webhooks call, kept in the Secret the chart renders.
    expect(c.args).toEqual(expect.arrayContaining(['--cert-service-name=metallb-webhook-service', '--webhook-secret=metallb-webhook-cert']));
    expect(c.args.join(' ')).not.toMatch(/--disable-cert-rotation|--cert-dir/);
    // Served from memory: nothing to mount (the kubelet's refresh of a mount would lag a rotation).
    expect(pod.spec.volumes.some((v: any) => v.secret?.secretName === 'metallb-webhook-cert')).toBe(false);
    // As upstream's: the Secret exists but holds nothing the chart made, and no webhook carries a
    // caBundle from the chart: the controller writes both.
    const secret = find(defaults, 'Secret', 'metallb-webhook-cert') as any;
    expect(secret.data).toBeUndefined();
    expect(secret.stringData).toBeUndefined();
    expect(secret.type).toBeUndefined();
    const vwc = find(defaults, 'ValidatingWebhookConfiguration') as any;
    for (const w of vwc.webhooks) expect(w.clientConfig.caBundle).toBeUndefined();
  });

  it('hands the certificate to cert-manager when asked, and renders no webhook when disabled', async () => {
    const cm = await renderObjects({ webhook: { certificateMode: 'certManager' } });
    const cert = find(cm, 'Certificate') as any;
    expect(cert.spec.secretName).toBe('metallb-webhook-cert');
    expect(cert.spec.dnsNames).toContain('metallb-webhook-service.metallb-system.svc');
    expect(find(cm, 'Issuer').spec).toEqual({ selfSigned: {} });
    const vwc = find(cm, 'ValidatingWebhookConfiguration') as any;
    expect(vwc.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('metallb-system/metallb-webhook');
    expect(vwc.webhooks[0].clientConfig.caBundle).toBeUndefined();
    expect(cm.some((o) => o.kind === 'Secret' && o.metadata.name === 'metallb-webhook-cert')).toBe(false);
    const cmPod = podTemplate(find(cm, 'Deployment'));
    expect(container(cmPod, 'controller').args).toEqual(expect.arrayContaining(['--disable-cert-rotation', '--cert-dir=/tmp/k8s-webhook-server/serving-certs']));
    expect(cmPod.spec.volumes.find((v: any) => v.name === 'cert').secret.secretName).toBe('metallb-webhook-cert');
    expect(container(cmPod, 'controller').volumeMounts.find((m: any) => m.name === 'cert').mountPath).toBe('/tmp/k8s-webhook-server/serving-certs');

    const off = await renderObjects({ controller: { webhookMode: 'disabled' } });
    expect(off.some((o) => o.kind === 'ValidatingWebhookConfiguration' || o.metadata.name === 'metallb-webhook-service')).toBe(false);
    const c = container(podTemplate(find(off, 'Deployment')), 'controller');
    expect(c.args).toContain('--webhook-mode=disabled');
    expect(c.ports.some((p: any) => p.containerPort === 9443)).toBe(false);
  });
});

describe('monitoring', () => {
  it('creates metrics Services, ServiceMonitors and PodMonitors only when asked, scraping HTTPS with a token as upstream', () => {
    expect(defaults.some((o) => o.apiVersion === 'monitoring.coreos.com/v1')).toBe(false);
    for (const component of ['controller', 'speaker']) {
      const svc = find(everything, 'Service', `mlb-${component}-monitor-service`) as any;
      expect(svc.spec.ports[0]).toMatchObject({ name: 'metricshttps', port: 9200, targetPort: 9200 });
      expect(svc.spec.selector['app.kubernetes.io/component']).toBe(component);
      const sm = find(everything, 'ServiceMonitor', `mlb-${component}-monitor`) as any;
      // In the release namespace, as upstream's.
      expect(sm.metadata.namespace).toBe('metallb-system');
      expect(sm.spec.selector.matchLabels.name).toBe(svc.metadata.labels.name);
      expect(sm.spec.endpoints[0]).toEqual(expect.objectContaining({
        port: 'metricshttps', scheme: 'https', interval: '15s', honorLabels: true,
        bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
        tlsConfig: allValues.prometheus.serviceMonitor[component].tlsConfig,
      }));
      const pm = find(everything, 'PodMonitor', `mlb-${component}`) as any;
      expect(pm.spec.selector.matchLabels['app.kubernetes.io/component']).toBe(component);
      expect(pm.spec.podMetricsEndpoints[0]).toEqual(expect.objectContaining({
        port: 'metricshttps', scheme: 'https', tlsConfig: { insecureSkipVerify: true },
        bearerTokenSecret: { name: 'prometheus-metallb-token', key: 'token' },
      }));
      // The pods' metrics port carries the name the monitors scrape.
      const kind = component === 'controller' ? 'Deployment' : 'DaemonSet';
      expect(container(podTemplate(find(everything, kind)), component).ports.find((p: any) => p.name === 'metricshttps').containerPort).toBe(9200);
    }
  });

  it('serves plain HTTP metrics only when prometheus.metricsInsecure is set', async () => {
    for (const [kind, role] of [['Deployment', 'controller'], ['DaemonSet', 'speaker']]) {
      const c = container(podTemplate(find(defaults, kind)), role);
      expect(c.args).toContain('--port=9120');
      expect(c.args).not.toContain('--metrics-insecure');
      expect(c.ports.find((p: any) => p.containerPort === 9120).name).toBe('metricshttps');
    }
    const plain = await renderObjects({ prometheus: { metricsInsecure: true, serviceMonitor: { enabled: true }, podMonitor: { enabled: true }, serviceAccount: 'p', namespace: 'm' } });
    for (const [kind, role] of [['Deployment', 'controller'], ['DaemonSet', 'speaker']]) {
      const c = container(podTemplate(find(plain, kind)), role);
      expect(c.args).toContain('--metrics-insecure');
      expect(c.ports.find((p: any) => p.containerPort === 9120).name).toBe('monitoring');
    }
    const sm = find(plain, 'ServiceMonitor', 'metallb-controller-monitor') as any;
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'monitoring', scheme: 'http' });
    expect(sm.spec.endpoints[0].bearerTokenFile).toBeUndefined();
    expect((find(plain, 'PodMonitor', 'metallb-speaker') as any).spec.podMetricsEndpoints[0]).toMatchObject({ port: 'monitoring', scheme: 'http' });
  });

  it('keeps /healthz and /readyz on their own plain HTTP port', () => {
    const c = container(podTemplate(find(defaults, 'Deployment')), 'controller');
    expect(c.ports.find((p: any) => p.name === 'health').containerPort).toBe(17472);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    const s = container(podTemplate(find(defaults, 'DaemonSet')), 'speaker');
    for (const p of [s.livenessProbe, s.readinessProbe, s.startupProbe]) expect(p.httpGet).toMatchObject({ port: 17472, host: '127.0.0.1' });
    for (const p of [c.livenessProbe, c.readinessProbe, s.livenessProbe]) expect(p.httpGet.scheme).toBeUndefined();
  });

  it('alerts on stale config, config not loaded, pool exhaustion, pool usage 75/85/95, BGP and BFD sessions down', () => {
    const rule = find(everything, 'PrometheusRule') as any;
    const alerts = rule.spec.groups[0].rules as Array<{ alert: string; expr: string; labels?: Record<string, string> }>;
    expect(alerts.map((a) => a.alert)).toEqual([
      'MetalLBStaleConfig', 'MetalLBConfigNotLoaded', 'MetalLBAddressPoolExhausted',
      'MetalLBAddressPoolUsage75Percent', 'MetalLBAddressPoolUsage85Percent', 'MetalLBAddressPoolUsage95Percent',
      'MetalLBBGPSessionDown', 'MetalLBBFDSessionDown', 'MetalLBSpeakerMissing',
    ]);
    const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
    expect(byName.MetalLBStaleConfig.expr).toBe('metallb_k8s_client_config_stale_bool{namespace="metallb-system"} == 1');
    // excludePools: each alert family leaves out its own pools.
    expect(byName.MetalLBAddressPoolExhausted.expr).toContain('metallb_allocator_addresses_in_use_total{namespace="metallb-system",pool!~"^lab$"}');
    expect(byName.MetalLBAddressPoolUsage95Percent.expr).toContain('metallb_allocator_addresses_total{namespace="metallb-system",pool!~"^(lab|test-.*)$"}');
    expect(byName.MetalLBBGPSessionDown.expr).not.toContain('pool!~');
    expect(byName.MetalLBAddressPoolUsage85Percent.expr).toMatch(/> 85$/);
    expect(byName.MetalLBAddressPoolUsage75Percent.labels).toEqual({ severity: 'info' });
    expect(byName.MetalLBBGPSessionDown.expr).toContain('metallb_bgp_session_up');
    expect(byName.MetalLBBFDSessionDown.expr).toContain('metallb_bfd_session_up');
    // Default thresholds are upstream's.
    return renderObjects({ prometheus: { prometheusRule: { enabled: true } } }).then((objs) => {
      const names = ((find(objs, 'PrometheusRule') as any).spec.groups[0].rules as any[]).map((r) => r.alert);
      expect(names).toEqual(expect.arrayContaining(['MetalLBAddressPoolUsage75Percent', 'MetalLBAddressPoolUsage85Percent', 'MetalLBAddressPoolUsage95Percent']));
    });
  });

  it('uses only metric names the product exports', () => {
    const registry = new Registry();
    configMetrics(registry);
    allocatorMetrics(registry);
    speakerMetrics(registry);
    const registered = new Set(registry.getMetricsAsArray().map((m) => m.name));
    const frrSource = productSource();
    const rule = find(everything, 'PrometheusRule') as any;
    const used = new Set<string>(rule.spec.groups[0].rules.flatMap((r: any) => metricNames(r.expr)));
    expect(used.size).toBeGreaterThanOrEqual(6);
    // FRR session metrics are served by the speaker's FRR collector: look for their names in its source.
    const unknown = [...used].filter((m) => !registered.has(m) && !frrSource.includes(`'${m}'`) && !frrSource.includes(`"${m}"`));
    expect(unknown).toEqual([]);
  });
});
