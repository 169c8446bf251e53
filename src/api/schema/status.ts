// The kinds MetalLB writes itself: ServiceL2Status, ServiceBGPStatus, ConfigurationState.
import { condition, immutable, objectSchema, str, type Schema } from './common.js';
import { AGE, type CrdDefinition } from './types.js';

const who: Record<string, Schema> = {
  node: str('The node announcing the service.', { 'x-kubernetes-validations': [immutable('node')] }),
  serviceName: str('Name of the announced Service.', { 'x-kubernetes-validations': [immutable('serviceName')] }),
  serviceNamespace: str('Namespace of the announced Service.', { 'x-kubernetes-validations': [immutable('serviceNamespace')] }),
};

const whoColumns = [
  { name: 'Allocated Node', type: 'string' as const, jsonPath: '.status.node' },
  { name: 'Service Name', type: 'string' as const, jsonPath: '.status.serviceName' },
  { name: 'Service Namespace', type: 'string' as const, jsonPath: '.status.serviceNamespace' },
];

const emptySpec: Schema = { type: 'object', description: 'Unused.' };

export const serviceL2StatusCRD: CrdDefinition = {
  kind: 'ServiceL2Status',
  plural: 'servicel2statuses',
  singular: 'servicel2status',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('ServiceL2Status: which node announces a Service by layer 2, and on which interfaces.', emptySpec, {
      type: 'object',
      properties: {
        ...who,
        interfaces: {
          type: 'array',
          description: 'Interfaces the service is announced on (only when the L2Advertisement restricts interfaces).',
          items: { type: 'object', required: ['name'], properties: { name: str('Interface name.') } },
        },
      },
    }),
    printerColumns: [...whoColumns, { name: 'Interfaces', type: 'string', jsonPath: '.status.interfaces' }, AGE],
  }],
};

export const serviceBGPStatusCRD: CrdDefinition = {
  kind: 'ServiceBGPStatus',
  plural: 'servicebgpstatuses',
  singular: 'servicebgpstatus',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('ServiceBGPStatus: the BGP peers a node announces a Service to.', emptySpec, {
      type: 'object',
      properties: {
        ...who,
        peers: { type: 'array', description: 'Names of the BGPPeers the Service is announced to from this node, sorted.', items: { type: 'string' } },
      },
    }),
    printerColumns: [...whoColumns, { name: 'Peers', type: 'string', jsonPath: '.status.peers' }, AGE],
  }],
};

export const configurationStateCRD: CrdDefinition = {
  kind: 'ConfigurationState',
  plural: 'configurationstates',
  singular: 'configurationstate',
  versions: [{
    name: 'v1beta1', served: true, storage: true,
    schema: objectSchema('ConfigurationState: whether a MetalLB component accepted the configuration, and why not.', emptySpec, {
      type: 'object',
      properties: {
        result: { type: 'string', enum: ['Valid', 'Invalid', 'Unknown'], description: 'Valid, Invalid or Unknown (no condition yet).' },
        errorSummary: str('The configuration errors, one per line.'),
        conditions: {
          type: 'array', items: condition, description: 'configReconcilerValid and poolReconcilerValid.',
          'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'],
        },
      },
    }),
    printerColumns: [
      { name: 'Result', type: 'string', jsonPath: '.status.result' },
      { name: 'Error Summary', type: 'string', jsonPath: '.status.errorSummary', priority: 10 },
      AGE,
    ],
  }],
};
