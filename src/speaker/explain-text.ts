// The explanation of one Service in plain words, for a terminal.
import type { ServiceExplanation } from './explain.js';

export function formatExplanation(e: ServiceExplanation): string {
  const lines: string[] = [`Service ${e.service}`];
  if (!e.found || !e.handled) {
    lines.push(`  not handled: ${e.note}`);
    return lines.join('\n') + '\n';
  }
  if (e.ips.length) {
    const source = e.ipSource === 'allocator' ? 'allocated now by the allocator: the Service has no status yet' : 'from the Service status';
    lines.push(`  IPs: ${e.ips.join(', ')}${e.pool ? ` from pool ${e.pool}` : ''} (${source})`);
  } else if (e.allocationError) {
    lines.push(`  IPs: none; the allocator says: ${e.allocationError}`);
  }
  if (e.withdrawn) {
    lines.push(`  not announced by any node [${e.withdrawn.reason}]: ${e.withdrawn.detail}`);
    return lines.join('\n') + '\n';
  }
  if (e.bgp.length === 0) {
    lines.push('  no node to plan: give --node NAME or include Node objects');
    return lines.join('\n') + '\n';
  }

  const bgpOn = e.bgp.filter((b) => b.announced);
  lines.push('', `BGP: announced from ${bgpOn.length} of ${e.bgp.length} node${e.bgp.length > 1 ? 's' : ''}`);
  for (const b of e.bgp) {
    if (!b.announced) {
      lines.push(`  ${b.node}: not announced [${b.reason}] ${b.detail ?? ''}`.trimEnd());
      continue;
    }
    if (b.peers.length === 0) {
      lines.push(`  ${b.node}: ready to announce, but no BGPPeer of this node receives its prefixes (peer nodeSelectors, advertisement peers or families)`);
      continue;
    }
    lines.push(`  ${b.node}: announces to`);
    for (const p of b.peers) {
      const vrf = p.vrf ? `, VRF ${p.vrf}` : '';
      const prefixes = p.prefixes.map((x) => {
        const attrs = [x.localPref ? `localPref ${x.localPref}` : '', x.communities.length ? `communities ${x.communities.join(' ')}` : '']
          .filter(Boolean).join(', ');
        return attrs ? `${x.prefix} (${attrs})` : x.prefix;
      });
      lines.push(`    ${p.peer} (${p.neighbor}, AS ${p.remoteAS}${vrf}): ${prefixes.join('; ')}`);
    }
  }

  lines.push('');
  const winner = e.layer2.find((l) => l.announced);
  if (winner) {
    const ifs = winner.interfaces === 'all' || !winner.interfaces ? 'all interfaces' : `interfaces ${winner.interfaces.join(', ')}`;
    lines.push(`Layer 2: ${winner.node} announces on ${ifs}`);
  } else if (e.layer2Winner) {
    lines.push(`Layer 2: ${e.layer2Winner} wins the election (not among the nodes planned here)`);
  } else {
    lines.push('Layer 2: no node announces');
  }
  if (e.layer2Order && e.layer2Order.length) {
    const order = e.layer2Order.map((o) => (o.score ? `${o.node} (preference ${o.score})` : o.node));
    lines.push(`  election order: ${order.join(', ')}`);
  }
  for (const l of e.layer2) {
    if (!l.announced) lines.push(`  ${l.node}: not announced [${l.reason}] ${l.detail ?? ''}`.trimEnd());
  }
  for (const err of e.errors) lines.push(`  problem: ${err}`);
  return lines.join('\n') + '\n';
}
