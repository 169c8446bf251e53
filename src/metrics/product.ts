// Metrics with upstream MetalLB's names that the roles themselves own (the allocator's pool gauges,
// the config-state gauges of both binaries, and the speaker's announced gauge).
import { Counter, Gauge, type Registry } from 'prom-client';

export function configMetrics(registry: Registry) {
  return {
    updates: new Counter({ name: 'metallb_k8s_client_updates_total', help: 'Number of configuration and object updates processed', registers: [registry] }),
    updateErrors: new Counter({ name: 'metallb_k8s_client_update_errors_total', help: 'Number of updates that failed to process', registers: [registry] }),
    loaded: new Gauge({ name: 'metallb_k8s_client_config_loaded_bool', help: '1 once a configuration has been loaded', registers: [registry] }),
    stale: new Gauge({ name: 'metallb_k8s_client_config_stale_bool', help: '1 when the latest configuration failed to load and an older one is running', registers: [registry] }),
  };
}

export function speakerMetrics(registry: Registry) {
  return {
    announced: new Gauge({
      name: 'metallb_speaker_announced',
      help: 'Services being announced from this node (1 while announced)',
      labelNames: ['service', 'protocol', 'node', 'ip'],
      registers: [registry],
    }),
  };
}

export function allocatorMetrics(registry: Registry) {
  const g = (name: string, help: string) => new Gauge({ name, help, labelNames: ['pool'], registers: [registry] });
  return {
    addressesTotal: g('metallb_allocator_addresses_total', 'Number of usable IP addresses, per pool'),
    ipv4Total: g('metallb_allocator_ipv4_addresses_total', 'Number of usable IPv4 addresses, per pool'),
    ipv6Total: g('metallb_allocator_ipv6_addresses_total', 'Number of usable IPv6 addresses, per pool'),
    inUse: g('metallb_allocator_addresses_in_use_total', 'Number of IP addresses in use, per pool'),
    ipv4InUse: g('metallb_allocator_ipv4_addresses_in_use_total', 'Number of IPv4 addresses in use, per pool'),
    ipv6InUse: g('metallb_allocator_ipv6_addresses_in_use_total', 'Number of IPv6 addresses in use, per pool'),
  };
}
