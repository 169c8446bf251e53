// render(intent): the whole frr.conf of one node (the artifact people inspect and FRR boots from).
import type { NodeBGPIntent } from '../bgp/types.js';
import { buildModel } from './render/build.js';
import { renderModel } from './render/text.js';
import { loadTemplates } from './templates.js';

/**
 * explicit: also print user-set values equal to FRR's defaults (for people, as upstream's file shows
 * them); without it the text is FRR's own form, which the applier writes and compares.
 */
export function render(intent: NodeBGPIntent, opts: { explicit?: boolean } = {}): string {
  return renderModel(buildModel(intent, opts), loadTemplates());
}
