// BFDProfile (metallb.io/v1beta1): BFD timers shared by BGPPeers.
import { bool, int32, objectSchema, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

const ms = (what: string, dflt: number) => int32(`${what} in milliseconds, 10 to 60000 (FRR default ${dflt}).`, { minimum: 10, maximum: 60000 });

const spec: Schema = {
  type: 'object',
  description: 'BFDProfileSpec: unset fields keep FRR defaults.',
  properties: {
    receiveInterval: ms('Minimum interval between received control packets', 300),
    transmitInterval: ms('Minimum interval between sent control packets', 300),
    detectMultiplier: int32('Packets that may be lost before the session goes down, 2 to 255 (FRR default 3).', { minimum: 2, maximum: 255 }),
    echoInterval: ms('Minimum interval between echo packets', 50),
    echoMode: bool('Send echo packets (single-hop only; not possible with IPv6 pools).'),
    passiveMode: bool('Wait for the peer to start the session.'),
    minimumTtl: int32('For multihop sessions: the lowest TTL accepted, 1 to 254 (FRR default 254).', { minimum: 1, maximum: 254 }),
  },
};

export const bfdProfileCRD: CrdDefinition = {
  kind: 'BFDProfile',
  plural: 'bfdprofiles',
  singular: 'bfdprofile',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('BFDProfile: BFD settings a BGPPeer can refer to.', spec, { type: 'object', description: 'Unused.' }),
    printerColumns: [
      { name: 'Passive Mode', type: 'boolean', jsonPath: '.spec.passiveMode' },
      { name: 'Transmit Interval', type: 'integer', jsonPath: '.spec.transmitInterval' },
      { name: 'Receive Interval', type: 'integer', jsonPath: '.spec.receiveInterval' },
      { name: 'Multiplier', type: 'integer', jsonPath: '.spec.detectMultiplier' },
      AGE,
    ],
  }],
};
