// Which endpoints of a Service can take traffic, read from its EndpointSlices. Shared by the layer 2
// election (who may announce) and the BGP decision (announce only with a serving endpoint).
import { SERVICE_NAME_LABEL, type Endpoint, type EndpointSlice, type Service } from '../../api/core.js';

/** The EndpointSlices of a Service: same namespace, linked by the kubernetes.io/service-name label. */
export function slicesOfService(svc: Service, slices: readonly EndpointSlice[]): EndpointSlice[] {
  const ns = svc.metadata.namespace ?? '';
  return slices.filter(
    (s) => (s.metadata.namespace ?? '') === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name,
  );
}

/**
 * An endpoint can serve when it is ready (an absent ready condition counts as ready, as the API
 * defines) or when it is still serving while terminating.
 */
export function endpointCanServe(ep: Endpoint): boolean {
  const c = ep.conditions;
  if (!c) return true;
  if (c.ready === undefined || c.ready === null || c.ready === true) return true;
  return c.serving === true;
}

/** True when any endpoint, anywhere, can serve (the layer 2 precondition). */
export function anyServingEndpoint(slices: readonly EndpointSlice[]): boolean {
  return slices.some((s) => (s.endpoints ?? []).some(endpointCanServe));
}

/**
 * True when at least one endpoint address is healthy, optionally only those on one node (BGP with
 * externalTrafficPolicy Local). An address listed once as not serving counts as unhealthy even if
 * another slice lists it as serving: the pessimistic view wins, so a half-ready pod is not used.
 */
export function hasHealthyAddress(slices: readonly EndpointSlice[], onNode?: string): boolean {
  const healthy = new Map<string, boolean>();
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      if (onNode !== undefined && ep.nodeName !== onNode) continue;
      const ok = endpointCanServe(ep);
      for (const addr of ep.addresses ?? []) {
        if (!ok) healthy.set(addr, false);
        else if (!healthy.has(addr)) healthy.set(addr, true);
      }
    }
  }
  for (const v of healthy.values()) if (v) return true;
  return false;
}

/** Names of nodes that host at least one serving endpoint (layer 2 with externalTrafficPolicy Local). */
export function nodesWithServingEndpoint(slices: readonly EndpointSlice[]): Set<string> {
  const out = new Set<string>();
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      if (ep.nodeName && endpointCanServe(ep)) out.add(ep.nodeName);
    }
  }
  return out;
}
