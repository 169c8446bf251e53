// Shared set-up of the role tests: objects for the stand-in API server, a log sink, waiting.
import { get } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/util/log.js';
import type { FakeApiServer, Obj } from '../apiserver/index.js';

export const NS = 'metallb-system';

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 6000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** GET http://127.0.0.1:port/path: status code and body (metrics and probe servers). */
export const httpGet = (port: number, path: string) => new Promise<{ code: number; body: string }>((resolve, reject) => {
  get({ host: '127.0.0.1', port, path }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
  }).on('error', reject);
});

export function logSink(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const dest = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
  return {
    logger: createLogger('info', dest),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

let ipSeq = 1;
export function service(name: string, extra: { annotations?: Record<string, string>; labels?: Record<string, string>; status?: unknown; type?: string; local?: boolean } = {}): Obj {
  const n = ipSeq++;
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}), ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      type: extra.type ?? 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: name },
      clusterIP: `10.96.${n >> 8}.${n & 255}`, clusterIPs: [`10.96.${n >> 8}.${n & 255}`], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ...(extra.local ? { externalTrafficPolicy: 'Local' } : {}),
    },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

export function pool(name: string, addresses: string[], extra: Record<string, unknown> = {}): Obj {
  return { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: NS }, spec: { addresses, ...extra } };
}

export function node(name: string, ip: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, status: { addresses: [{ type: 'InternalIP', address: ip }] } };
}

export function endpoints(svc: string, nodeName: string, ip: string): Obj {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${svc}-abc`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4', endpoints: [{ addresses: [ip], nodeName, conditions: { ready: true } }], ports: [{ port: 80, protocol: 'TCP' }],
  };
}

export function svcStatus(server: FakeApiServer, name: string): { ips: string[]; pool?: string; conditions: Array<{ type: string; status: string; reason?: string; message?: string }> } {
  const s = server.get('Service', 'default', name);
  return {
    ips: ((s.status?.loadBalancer?.ingress ?? []) as Array<{ ip: string }>).map((i) => i.ip),
    pool: s.metadata.annotations?.['metallb.io/ip-allocated-from-pool'],
    conditions: s.status?.conditions ?? [],
  };
}

export function cond(server: FakeApiServer, name: string, type: string) {
  return svcStatus(server, name).conditions.find((c) => c.type === type);
}

export function events(server: FakeApiServer, name?: string): Array<{ reason: string; message: string; type: string; count: number; source: { component: string; host?: string } }> {
  return server.list('Event', undefined, '').filter((e) => !name || e.involvedObject?.name === name) as never;
}
