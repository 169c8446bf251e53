// The text tables of `metallb-ts status`. Pure.
import type { Announcement, StatusReport } from './report.js';

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`);
}

/** 3d4h, 5m12s, 40s */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s % 60}s`;
  return `${s}s`;
}

const announced = (a: Announcement[]): string => {
  const parts: string[] = [];
  const bgp = a.filter((x) => x.protocol === 'bgp');
  if (bgp.length > 0) {
    const peers = [...new Set(bgp.flatMap((x) => x.peers ?? []))].sort();
    parts.push(`BGP from ${bgp.map((x) => x.node).sort().join(',')}${peers.length ? ` to ${peers.join(',')}` : ''}`);
  }
  for (const x of a.filter((y) => y.protocol === 'layer2')) parts.push(`layer 2 from ${x.node}${x.interfaces?.length ? ` on ${x.interfaces.join(',')}` : ''}`);
  return parts.join('; ');
};

export function formatReport(r: StatusReport): string {
  const out: string[] = [];
  const n = r.problems.length;
  out.push(`metallb-ts status (${r.mode} ${r.scope || '?'}): ${n === 0 ? 'OK' : `${n} problem${n === 1 ? '' : 's'}`}`);

  out.push('', 'Configuration');
  if (r.configs.length === 0) out.push('  (no status)');
  for (const c of r.configs) out.push(`  ${c.component}: ${c.valid ? 'valid' : `INVALID (${c.errors.length} problem${c.errors.length === 1 ? '' : 's'})`}`);

  out.push('', 'Pools');
  out.push(...(r.pools.length ? table(['POOL', 'USED', 'FREE IPv4', 'FREE IPv6'], r.pools.map((p) => [p.name, String(p.used), p.freeIPv4, p.freeIPv6])) : ['  (none)']));

  out.push('', 'Services');
  out.push(...(r.services.length
    ? table(['SERVICE', 'IPs', 'POOL', 'STATE', 'ANNOUNCED / WHY NOT'], r.services.map((s) => [
      s.name, s.ips.join(',') || '-', s.pool ?? '-', s.state, s.announcedBy.length ? announced(s.announcedBy) : s.why ?? '-',
    ]))
    : ['  (no LoadBalancer Services)']));

  out.push('', 'BGP peers');
  out.push(...(r.peers.length
    ? table(['PEER', 'NODE', 'ADDRESS', 'VRF', 'STATE', 'UPTIME', 'SENT', 'BFD'], r.peers.map((p) => [
      p.name ?? '(not a BGPPeer)', p.node, p.address, p.vrf, p.state, p.up ? duration(p.uptimeMs) : '-', p.up === undefined ? '-' : String(p.prefixesSent), p.bfd ?? '-',
    ]))
    : ['  (none)']));

  out.push('', 'Layer 2 owners');
  out.push(...(r.layer2.length
    ? table(['SERVICE', 'IPs', 'OWNER', 'INTERFACES'], r.layer2.map((l) => [l.service, l.ips.join(','), l.owner, l.interfaces?.join(',') ?? 'all']))
    : ['  (none)']));

  if (n > 0) out.push('', 'Problems', ...r.problems.map((p) => `  ${p}`));
  return `${out.join('\n')}\n`;
}
