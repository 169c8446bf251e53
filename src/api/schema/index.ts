// Every MetalLB CRD, described once; src/api/crds.ts turns these into CustomResourceDefinitions.
import { bfdProfileCRD } from './bfdprofile.js';
import { bgpAdvertisementCRD } from './bgpadvertisement.js';
import { bgpPeerCRD } from './bgppeer.js';
import { communityCRD } from './community.js';
import { ipAddressPoolCRD } from './ipaddresspool.js';
import { l2AdvertisementCRD } from './l2advertisement.js';
import { configurationStateCRD, serviceBGPStatusCRD, serviceL2StatusCRD } from './status.js';
import type { CrdDefinition } from './types.js';

export const CRD_DEFINITIONS: CrdDefinition[] = [
  bfdProfileCRD, bgpAdvertisementCRD, bgpPeerCRD, communityCRD, configurationStateCRD, ipAddressPoolCRD,
  l2AdvertisementCRD, serviceBGPStatusCRD, serviceL2StatusCRD,
];

export type { CrdDefinition, CrdVersion, PrinterColumn } from './types.js';
export type { CelRule, Schema } from './common.js';
