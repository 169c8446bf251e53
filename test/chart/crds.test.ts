// The CRDs as Helm renders them: valid CustomResourceDefinitions that pass the API server's checks
// (structural schema, defaults, rules within the cost limits: src/api/crd-validation), and the
// generic validator run on the rendered schemas (what the API server would run) accepts a typical
// object of each kind while refusing a wrongly typed one or one a rule refuses.
import { describe, expect, it, beforeAll, jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@marcbachmann/cel-js';
import type { CelJsNode } from '../../src/api/crd-validation/cel-check.js';
import { loadCelEngine, type CelEngine } from '../../src/api/crd-validation/cel-runtime.js';
import { formatFieldError } from '../../src/api/crd-validation/field-error.js';
import type { JSONSchemaProps } from '../../src/api/crd-validation/json-schema.js';
import { checkCrd } from '../../src/api/crd-validation/structural.js';
import { validateCustomResource } from '../../src/api/crd-validation/validate.js';
import { chartDir, parseManifests, render, type K8sObject } from './helm.js';
import { validateBuiltIn } from './validate.js';
import { productSource } from './source-scan.js';

// helm runs a process per render; on a busy machine a few of them exceed jest's 5 s default.
jest.setTimeout(60_000);

const KINDS = ['IPAddressPool', 'BGPPeer', 'BGPAdvertisement', 'L2Advertisement', 'Community', 'BFDProfile',
  'ServiceL2Status', 'ServiceBGPStatus', 'ConfigurationState'];

let crds: K8sObject[];
let cel: CelEngine;

beforeAll(async () => {
  crds = parseManifests((await render({}, ['--include-crds'])).stdout).filter((o) => o.kind === 'CustomResourceDefinition');
  cel = await loadCelEngine();
}, 60_000);

/** "<group>/<version>/<Kind>" -> the API server's answer to creating the object, from the rendered CRDs. */
function renderedValidators(list: K8sObject[]): Map<string, (obj: unknown) => string[]> {
  const out = new Map<string, (obj: unknown) => string[]>();
  for (const crd of list) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema: JSONSchemaProps } }> };
    for (const v of spec.versions) {
      if (!v.schema) continue;
      out.set(`${spec.group}/${v.name}/${spec.names.kind}`, (obj) => validateCustomResource(v.schema!.openAPIV3Schema, obj, { cel }).errors.map(formatFieldError));
    }
  }
  return out;
}

describe('CRDs in the chart', () => {
  it('ships every MetalLB kind as a valid CustomResourceDefinition', async () => {
    expect(existsSync(join(chartDir, 'crds'))).toBe(true);
    expect(crds.map((c) => (c.spec as { names: { kind: string } }).names.kind).sort()).toEqual([...KINDS].sort());
    expect(await validateBuiltIn(crds)).toEqual([]);
  });

  it('pass the checks the API server runs on a CustomResourceDefinition', () => {
    const parseRule = (rule: string): CelJsNode => parse(rule).ast as unknown as CelJsNode;
    expect(crds.flatMap((c) => checkCrd(c, { parse: parseRule, cel }).map((e) => `${c.metadata.name}: ${e}`))).toEqual([]);
  });

  it('validate objects as the API server would, rules included', () => {
    const v = renderedValidators(crds);
    const pool = v.get('metallb.io/v1beta1/IPAddressPool');
    expect(pool).toBeDefined();
    const good = { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p' },
      spec: { addresses: ['192.0.2.0/24', '198.51.100.10-198.51.100.20'], autoAssign: true } };
    expect(pool!(good)).toEqual([]);
    expect(pool!({ ...good, spec: { addresses: 'not-a-list' } }).length).toBeGreaterThan(0);
    const peer = v.get('metallb.io/v1beta2/BGPPeer');
    expect(peer).toBeDefined();
    expect(peer!({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'r' },
      spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1' } })).toEqual([]);
    expect(peer!({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'r' },
      spec: { myASN: 'sixty-four', peerAddress: '192.0.2.1' } }).length).toBeGreaterThan(0);
    expect(peer!({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'r' },
      spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', holdTime: '2s' } })).toEqual(['spec.holdTime: Invalid value: "string": invalid hold time: must be 0 or >=3s']);
    expect(peer!({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'r' },
      spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', holdTime: '0' } })).toEqual([]);
  });

  it('sends BGPPeer version conversion to the webhook Service the chart creates, at a path the product serves', async () => {
    const peer = crds.find((c) => c.metadata.name === 'bgppeers.metallb.io') as unknown as {
      spec: { conversion: { strategy: string; webhook: { clientConfig: { service: { name: string; namespace: string; path: string } } } } } };
    expect(peer.spec.conversion.strategy).toBe('Webhook');
    const svc = peer.spec.conversion.webhook.clientConfig.service;
    const objs = parseManifests((await render()).stdout);
    expect(objs.some((o) => o.kind === 'Service' && o.metadata.name === svc.name && o.metadata.namespace === svc.namespace)).toBe(true);
    expect(productSource('webhook')).toContain(`'${svc.path}'`);
  });
});
