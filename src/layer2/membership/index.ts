// Public surface of the membership protocol (fast node-failure detection for layer 2).
//
//   const key = await readSecretFile(settings.secretFile);
//   const ml = await UdpMembership.start({ name: nodeName, bindAddress, port: settings.port, key,
//     timings: settings.timings, registry, logger });
//   ml.setMembers(membersFromNodes(nodes, 4, settings.port));   // on every snapshot
//   ml.onLiveChange((live) => resync(live));                   // liveMembers() changed (not on suspicions)
//   planNode({ ..., members: ml.liveMembers() });               // always includes this node
//   await ml.close({ leave: true });                            // on shutdown: others drop us at once
export { Membership, type MembershipOptions } from './state.js';
export { UdpMembership, DEFAULT_ML_PORT, type UdpMembershipOptions } from './udp.js';
export { DEFAULT_TIMINGS, resolveTimings, type Timings } from './timings.js';
export { addMembershipOptions, membershipSettings, type MembershipSettings } from './options.js';
export { readSecretFile, secretFromBytes } from './secret.js';
export { membersFromNodes } from './members-from-nodes.js';
export { createMembershipMetrics } from './metrics.js';
export type { MemberAddress, MemberEvent, MemberState, DropReason } from './types.js';
