// Members from Node objects (standalone mode, or a cluster without speaker Pod discovery): each Node is a
// member named like it, reached at its first InternalIP of the bind address's family.
import type { Node } from '../../api/core.js';
import type { MemberAddress } from './types.js';

export function membersFromNodes(nodes: Node[], family: 4 | 6 = 4, port?: number): MemberAddress[] {
  const out: MemberAddress[] = [];
  for (const n of nodes) {
    const ip = (n.status?.addresses ?? []).find((a) => a.type === 'InternalIP' && a.address.includes(':') === (family === 6));
    if (ip) out.push(port === undefined ? { name: n.metadata.name, address: ip.address } : { name: n.metadata.name, address: ip.address, port });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
