// Joining the speakers' membership (fast dead-node detection for the layer 2 election), shared by the
// in-cluster speaker and standalone: bind this node's address, and replan whenever the set of live
// members changes.
import type { Registry } from 'prom-client';
import type { Node } from '../api/core.js';
import { membersFromNodes, UdpMembership, type MemberAddress, type MembershipSettings } from '../layer2/membership/index.js';
import type { Logger } from '../util/log.js';

/** The Nodes' InternalIPs as members, of the family of --ml-bind-addr (IPv4 unless it is IPv6). */
export function nodeMembers(nodes: Node[], settings: MembershipSettings): MemberAddress[] {
  return membersFromNodes(nodes, settings.bindAddress?.includes(':') ? 6 : 4, settings.port);
}

export interface JoinOptions {
  node: string;
  settings: MembershipSettings;
  /** the shared key's bytes (from the file or the Secret) */
  key: Uint8Array;
  /** the current members; this node's entry gives the bind address unless settings.bindAddress is set */
  members: MemberAddress[];
  registry: Registry;
  /** the membership's own logger */
  logger: Logger;
  /** the role's logger, for membership changes and the missing-address error */
  log: Logger;
  /** what the user should do when this node has no address (differs between cluster and standalone) */
  noAddressHint: string;
  onLiveChange: () => void;
}

/** The running membership, or undefined (logged) when this node has no address to bind yet. */
export async function joinMembership(o: JoinOptions): Promise<UdpMembership | undefined> {
  const bind = o.settings.bindAddress ?? o.members.find((m) => m.name === o.node)?.address;
  if (!bind) {
    o.log.error({ op: 'membership' }, o.noAddressHint);
    return undefined;
  }
  const membership = await UdpMembership.start({
    name: o.node, bindAddress: bind, port: o.settings.port, memberPort: o.settings.port,
    key: o.key, timings: o.settings.timings, registry: o.registry, logger: o.logger,
  });
  // Only changes of the live set matter to the election; suspicions refuted in time do not.
  membership.onLiveChange((live, e) => {
    o.log.info({ event: 'memberChanged', member: e.name, state: e.state, live: [...live].sort() }, 'membership changed');
    o.onLiveChange();
  });
  return membership;
}
