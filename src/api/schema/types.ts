// How one CRD is described before it becomes a CustomResourceDefinition object (src/api/crds.ts).
import type { Schema } from './common.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'date' | 'number';
  jsonPath: string;
  priority?: number;
  description?: string;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: Schema;
  printerColumns: PrinterColumn[];
}

export interface CrdDefinition {
  kind: string;
  plural: string;
  singular: string;
  versions: CrdVersion[];
  /** BGPPeer: versions converted by the /convert webhook */
  conversionWebhook?: boolean;
}

export const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
