// render(intent): the whole frr.conf of one node (the artifact people inspect and FRR boots from).
import type { NodeBGPIntent } from '../bgp/types.js';
import { buildModel } from './render/build.js';
import { renderModel } from './render/text.js';
import { loadTemplates } from './templates.js';

export function render(intent: NodeBGPIntent): string {
  return renderModel(buildModel(intent), loadTemplates());
}
