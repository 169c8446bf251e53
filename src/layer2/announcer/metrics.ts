// Upstream's layer 2 counters (spec 6.3), labelled by service IP.
import { Counter, register as defaultRegistry, type Registry } from 'prom-client';

type Name = 'metallb_layer2_requests_received' | 'metallb_layer2_responses_sent' | 'metallb_layer2_gratuitous_sent';

const HELP: Record<Name, string> = {
  metallb_layer2_requests_received: 'Number of layer2 requests received for owned IPs',
  metallb_layer2_responses_sent: 'Number of layer2 responses sent for owned IPs',
  metallb_layer2_gratuitous_sent: 'Number of gratuitous layer2 packets sent for owned IPs',
};

function counter(registry: Registry, name: Name): Counter<'ip'> {
  // Several announcers (or a restart inside one process) may share a registry: reuse the series.
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'ip'>;
  return new Counter({ name, help: HELP[name], labelNames: ['ip'], registers: [registry] });
}

export class Layer2Metrics {
  private readonly requests: Counter<'ip'>;
  private readonly responses: Counter<'ip'>;
  private readonly gratuitous: Counter<'ip'>;

  constructor(registry: Registry = defaultRegistry) {
    this.requests = counter(registry, 'metallb_layer2_requests_received');
    this.responses = counter(registry, 'metallb_layer2_responses_sent');
    this.gratuitous = counter(registry, 'metallb_layer2_gratuitous_sent');
  }

  requestReceived(ip: string): void {
    this.requests.inc({ ip });
  }

  responseSent(ip: string): void {
    this.responses.inc({ ip });
  }

  /** Once per packet: two per IPv4 round (request and reply), one per IPv6 round, per interface. */
  gratuitousSent(ip: string): void {
    this.gratuitous.inc({ ip });
  }
}
