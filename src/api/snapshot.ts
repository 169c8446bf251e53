// The set of Kubernetes-shaped objects the core needs. Sources (kube informers, a folder of YAML)
// produce it; the core never knows where it came from.
import type { ConfigMap, EndpointSlice, Namespace, Node, Secret, Service } from './core.js';
import type { BFDProfile, BGPAdvertisement, BGPPeer, Community, IPAddressPool, L2Advertisement } from './metallb.js';

export interface Snapshot {
  pools: IPAddressPool[];
  bgpAdvertisements: BGPAdvertisement[];
  l2Advertisements: L2Advertisement[];
  bgpPeers: BGPPeer[];
  bfdProfiles: BFDProfile[];
  communities: Community[];
  services: Service[];
  endpointSlices: EndpointSlice[];
  nodes: Node[];
  namespaces: Namespace[];
  secrets: Secret[];
  configMaps: ConfigMap[];
}

export function emptySnapshot(): Snapshot {
  return {
    pools: [], bgpAdvertisements: [], l2Advertisements: [], bgpPeers: [], bfdProfiles: [], communities: [],
    services: [], endpointSlices: [], nodes: [], namespaces: [], secrets: [], configMaps: [],
  };
}
