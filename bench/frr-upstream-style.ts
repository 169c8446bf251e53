// Upstream MetalLB's frr.conf layout (spec 4.2) for the benchmark's side-by-side: one prefix-list entry
// per advertised prefix in every neighbor's allowed list, applied with `frr-reload.py --reload`.
// Only what the benchmark's intents use (no local-pref/communities, no BFD).
import type { NodeBGPIntent } from '../src/bgp/types.js';

export function upstreamStyleConf(intent: NodeBGPIntent): string {
  const out: string[] = [`log stdout ${intent.logLevel}`, 'log timestamp precision 3', `hostname ${intent.hostname}`, 'ip nht resolve-via-default', 'ipv6 nht resolve-via-default'];
  for (const r of intent.routers) {
    for (const n of r.neighbors) {
      out.push(`route-map ${n.id}-in deny 20`);
      for (const fam of [4, 6] as const) {
        const kw = fam === 4 ? 'ip' : 'ipv6';
        const list = `${n.id}-allowed-ipv${fam}`;
        const ps = n.advertisements.filter((a) => a.family === fam);
        if (ps.length === 0) out.push(`${kw} prefix-list ${list} seq 1 deny any`);
        ps.forEach((a, i) => out.push(`${kw} prefix-list ${list} seq ${i + 1} permit ${a.prefix}`));
      }
      out.push(`route-map ${n.id}-out permit 1`, `  match ip address prefix-list ${n.id}-allowed-ipv4`);
      out.push(`route-map ${n.id}-out permit 2`, `  match ipv6 address prefix-list ${n.id}-allowed-ipv6`);
    }
    out.push(`router bgp ${r.asn}${r.vrf ? ` vrf ${r.vrf}` : ''}`, '  no bgp ebgp-requires-policy', '  no bgp network import-check', '  no bgp default ipv4-unicast', '  bgp graceful-restart preserve-fw-state');
    if (r.routerID) out.push(`  bgp router-id ${r.routerID}`);
    for (const n of r.neighbors) {
      const p = n.address ?? n.iface!;
      out.push(`  neighbor ${p} remote-as ${n.remoteAS}`, `  neighbor ${p} port ${n.port}`);
      if (n.password) out.push(`  neighbor ${p} password ${n.password}`);
      if (n.sourceAddress) out.push(`  neighbor ${p} update-source ${n.sourceAddress}`);
      if (n.family === 'ipv6' && !n.ebgpMultiHop) out.push(`  neighbor ${p} disable-connected-check`);
    }
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const ns = r.neighbors.filter((n) => n.family === fam || n.family === 'dual');
      if (ns.length === 0) continue;
      out.push(`  address-family ${fam} unicast`);
      for (const n of ns) {
        const p = n.address ?? n.iface!;
        out.push(`    neighbor ${p} activate`, `    neighbor ${p} route-map ${n.id}-in in`, `    neighbor ${p} route-map ${n.id}-out out`);
      }
      out.push('  exit-address-family');
    }
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const ps = r.prefixes.filter((x) => x.includes(':') === (fam === 'ipv6'));
      if (ps.length === 0) continue;
      out.push(`  address-family ${fam} unicast`, ...ps.map((x) => `    network ${x}`), '  exit-address-family');
    }
  }
  return out.join('\n') + '\n';
}
