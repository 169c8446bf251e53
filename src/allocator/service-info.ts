// What the allocator needs to know about a Service, read from the Service object the way
// upstream reads it (spec 3.1): ports, sharing key, backend key, IP family from the ClusterIPs,
// family policy, requested IPs and requested pool.
import type { IPFamilyPolicy, Service } from '../api/core.js';
import { objectKey } from '../api/meta.js';
import { ANNOTATION, DEPRECATED_ANNOTATION } from '../api/metallb.js';
import { type Family, type IP, compareIP, formatIP, parseIP } from '../api/ip.js';
import { selectorString } from '../api/selector.js';
import { goQuote, goQuoteList } from './problem.js';

/** Upstream's family names, used verbatim in messages. */
export type ServiceFamily = 'ipv4' | 'ipv6' | 'dual';

export interface ServiceRequest {
  /** "<ns>/<name>" */
  key: string;
  namespace: string;
  labels: Record<string, string>;
  /** "TCP/80", ... */
  ports: string[];
  sharingKey: string;
  backendKey: string;
  /** from the ClusterIPs; undefined when they do not give one (see familyError) */
  family?: ServiceFamily;
  familyError?: string;
  policy: IPFamilyPolicy;
  /** the family a PreferDualStack Service falls back to first: IPv6 only when spec.ipFamilies[0] is IPv6 */
  primaryFamily: Family;
}

export const familyName = (f: Family): ServiceFamily => (f === 4 ? 'ipv4' : 'ipv6');

export function serviceRequest(svc: Service): ServiceRequest {
  const fam = serviceFamily(svc);
  return {
    key: objectKey(svc),
    namespace: svc.metadata.namespace ?? '',
    labels: svc.metadata.labels ?? {},
    ports: servicePorts(svc),
    sharingKey: sharingKey(svc),
    backendKey: backendKey(svc),
    ...('family' in fam ? { family: fam.family } : { familyError: fam.error }),
    policy: svc.spec.ipFamilyPolicy ?? 'SingleStack',
    primaryFamily: svc.spec.ipFamilies?.[0] === 'IPv6' ? 6 : 4,
  };
}

/** "Proto/Port" per spec.ports entry; the API server defaults a missing protocol to TCP. */
export function servicePorts(svc: Service): string[] {
  return (svc.spec.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`);
}

/** The metallb.io key wins whenever it is present, even when empty. */
function annotationValue(svc: Service, stable: string, deprecated: string): string {
  const a = svc.metadata.annotations ?? {};
  if (Object.prototype.hasOwnProperty.call(a, stable)) return a[stable];
  return a[deprecated] ?? '';
}

export function sharingKey(svc: Service): string {
  return annotationValue(svc, ANNOTATION.allowSharedIP, DEPRECATED_ANNOTATION.allowSharedIP);
}

export function requestedPool(svc: Service): string {
  return annotationValue(svc, ANNOTATION.addressPool, DEPRECATED_ANNOTATION.addressPool);
}

/**
 * With externalTrafficPolicy Local, traffic only reaches nodes with local endpoints, so two
 * Services may share an IP only when they select the same pods: the key is the sorted selector.
 */
export function backendKey(svc: Service): string {
  if (svc.spec.externalTrafficPolicy !== 'Local') return '';
  return selectorString({ matchLabels: svc.spec.selector ?? {} });
}

export function clusterIPs(svc: Service): string[] {
  if (svc.spec.clusterIPs && svc.spec.clusterIPs.length > 0) return svc.spec.clusterIPs;
  return svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
}

/**
 * A Service read from YAML files (standalone, `allocate`, `explain`) has no ClusterIP: no API server
 * assigned one. Its family then comes from what the user declared, in this order: spec.ipFamilies,
 * the requested IPs, a dual-stack ipFamilyPolicy; else IPv4 (the API server's default). In a cluster
 * every LoadBalancer Service has ClusterIPs, so this never changes upstream's behaviour there.
 */
export function declaredFamily(svc: Service): ServiceFamily {
  const fams = svc.spec.ipFamilies ?? [];
  if (fams.length === 2) return 'dual';
  if (fams.length === 1) return fams[0] === 'IPv6' ? 'ipv6' : 'ipv4';
  const req = requestedIPs(svc);
  if (!('error' in req) && req.ips.length > 0) {
    const f = familyOfIPs(req.ips);
    if (!('error' in f)) return f.family;
  }
  const policy = svc.spec.ipFamilyPolicy;
  if (policy === 'RequireDualStack' || policy === 'PreferDualStack') return 'dual';
  return 'ipv4';
}

/** Family of one or two addresses (upstream ipfamily.ForAddresses). */
export function familyOfTexts(texts: string[]): { family: ServiceFamily } | { error: string } {
  const fam = (t: string): Family => parseIP(t)?.family ?? 4;
  if (texts.length === 1) return { family: familyName(fam(texts[0])) };
  if (texts.length === 2) {
    if (fam(texts[0]) === fam(texts[1])) return { error: `same address family ${goQuoteList(texts)}` };
    return { family: 'dual' };
  }
  return { error: `invalid ips length ${texts.length} ${goQuoteList(texts)}` };
}

export function familyOfIPs(ips: IP[]): { family: ServiceFamily } | { error: string } {
  return familyOfTexts(ips.map(formatIP));
}

/** The Service's IP family comes from its ClusterIPs, not spec.ipFamilies. */
export function serviceFamily(svc: Service): { family: ServiceFamily } | { error: string } {
  const ips = clusterIPs(svc);
  if (ips.length === 0) return { family: declaredFamily(svc) };
  return familyOfTexts(ips);
}

export type RequestedIPs = { ips: IP[]; family?: ServiceFamily } | { error: string };

/**
 * IPs asked for by the loadBalancerIPs annotation (comma separated, metallb.io key first) or by
 * spec.loadBalancerIP; both set is an error. An empty list means "no request".
 */
export function requestedIPs(svc: Service): RequestedIPs {
  const fromAnnotation = annotationValue(svc, ANNOTATION.loadBalancerIPs, DEPRECATED_ANNOTATION.loadBalancerIPs);
  const fromSpec = svc.spec.loadBalancerIP ?? '';
  if (fromAnnotation === '' && fromSpec === '') return { ips: [] };
  if (fromAnnotation !== '' && fromSpec !== '') {
    return { error: `service can not have both ${ANNOTATION.loadBalancerIPs} and svc.Spec.LoadBalancerIP` };
  }
  if (fromAnnotation !== '') {
    const ips: IP[] = [];
    for (const part of fromAnnotation.split(',')) {
      const ip = parseIP(part.trim());
      if (!ip) return { error: `invalid ${ANNOTATION.loadBalancerIPs}: ${goQuote(fromAnnotation)}` };
      ips.push(ip);
    }
    const fam = familyOfIPs(ips);
    if ('error' in fam) return fam;
    return { ips, family: fam.family };
  }
  const ip = parseIP(fromSpec);
  if (!ip) return { error: `invalid spec.loadBalancerIP ${goQuote(fromSpec)}` };
  return { ips: [ip], family: familyName(ip.family) };
}

/** IPs in the order MetalLB writes them: IPv4 before IPv6. */
export function orderIPs(ips: IP[]): IP[] {
  return [...ips].sort((a, b) => a.family - b.family);
}

export function sameIPSet(a: IP[], b: IP[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort(compareIP);
  const y = [...b].sort(compareIP);
  return x.every((ip, i) => compareIP(ip, y[i]) === 0);
}

/**
 * LoadBalancerClass rule: with a class configured, only Services of exactly that class; without
 * one, only Services with no class at all.
 */
export function handlesLoadBalancerClass(svc: Service, lbClass: string | undefined): boolean {
  const svcClass = svc.spec.loadBalancerClass ?? '';
  return svcClass === (lbClass ?? '');
}
