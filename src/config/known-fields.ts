// Spec fields each MetalLB kind has. MetalLB (like the API server without strict field validation)
// ignores anything else; we warn, because an ignored field is usually a typo ("nodeSelector").
const FIELDS: Record<string, string[]> = {
  IPAddressPool: ['addresses', 'autoAssign', 'avoidBuggyIPs', 'serviceAllocation'],
  BGPAdvertisement: ['aggregationLength', 'aggregationLengthV6', 'localPref', 'communities', 'ipAddressPools', 'ipAddressPoolSelectors', 'nodeSelectors', 'peers', 'serviceSelectors'],
  L2Advertisement: ['ipAddressPools', 'ipAddressPoolSelectors', 'nodeSelectors', 'interfaces', 'serviceSelectors', 'preferredNodeSelectors'],
  BGPPeer: [
    'myASN', 'peerASN', 'dynamicASN', 'localASN', 'peerAddress', 'interface', 'sourceAddress', 'peerPort', 'holdTime', 'keepaliveTime',
    'connectTime', 'routerID', 'nodeSelectors', 'password', 'passwordSecret', 'bfdProfile', 'enableGracefulRestart', 'ebgpMultiHop', 'vrf',
    'disableMP', 'dualStackAddressFamily',
  ],
  BFDProfile: ['receiveInterval', 'transmitInterval', 'detectMultiplier', 'echoInterval', 'echoMode', 'passiveMode', 'minimumTtl'],
  Community: ['communities'],
};

/** Warnings for spec fields the kind does not have, with the closest known field when one is near. */
export function unknownSpecFields(kind: string, name: string, spec: unknown): string[] {
  const known = FIELDS[kind];
  if (!known || typeof spec !== 'object' || spec === null) return [];
  const out: string[] = [];
  for (const key of Object.keys(spec)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
    out.push(`${kind}/${name}: spec.${key} is not a ${kind} field and is ignored${near ? ` (did you mean spec.${near}?)` : ''}`);
  }
  return out;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
