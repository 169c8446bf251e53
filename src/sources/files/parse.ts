// Multi-document YAML -> the Kubernetes-shaped objects the core knows. Pure: text in, objects and
// "file:line: message" errors out, so the loader, the watcher and tests share it.
import { LineCounter, parseAllDocuments, isMap, isSeq, type Document, type Node as YAMLNode, type ScalarTag } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { emptySnapshot, type Snapshot } from '../../api/snapshot.js';
import { bgpPeerV1beta1ToV1beta2, type BGPPeerV1beta1 } from '../../api/convert.js';
import type { Secret } from '../../api/core.js';

/** apiVersion + kind -> the Snapshot list it goes to. Anything else is ignored. */
const KNOWN: Record<string, keyof Snapshot> = {
  'metallb.io/v1beta1/IPAddressPool': 'pools',
  'metallb.io/v1beta1/BGPAdvertisement': 'bgpAdvertisements',
  'metallb.io/v1beta1/L2Advertisement': 'l2Advertisements',
  'metallb.io/v1beta1/BFDProfile': 'bfdProfiles',
  'metallb.io/v1beta1/Community': 'communities',
  'metallb.io/v1beta1/BGPPeer': 'bgpPeers',
  'metallb.io/v1beta2/BGPPeer': 'bgpPeers',
  'v1/Service': 'services',
  'discovery.k8s.io/v1/EndpointSlice': 'endpointSlices',
  'v1/Node': 'nodes',
  'v1/Namespace': 'namespaces',
  'v1/Secret': 'secrets',
  'v1/ConfigMap': 'configMaps',
};

// kubectl reads YAML through go-yaml v2, where plain yes/no/on/off/y/n are booleans (YAML 1.1), while
// "65535:65282" stays a string (no base-60 numbers). YAML 1.2's core schema plus these booleans matches it.
const TRUE_WORDS = ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'];
const yaml11Bool: ScalarTag = {
  identify: (v) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF)$/,
  resolve: (s) => TRUE_WORDS.includes(s),
};

// `kubectl apply -f` puts a Service or EndpointSlice written without metadata.namespace into the
// "default" namespace (the guide's Service examples have none), so its key is "default/<name>" and
// pools restricted to namespace "default" admit it. MetalLB's own kinds and Secrets keep no
// namespace: they mean "MetalLB's namespace", whichever that is.
const DEFAULT_NAMESPACED = new Set<keyof Snapshot>(['services', 'endpointSlices']);

const SERVED_VERSIONS: Record<string, string[]> = {
  IPAddressPool: ['metallb.io/v1beta1'],
  BGPAdvertisement: ['metallb.io/v1beta1'],
  L2Advertisement: ['metallb.io/v1beta1'],
  BFDProfile: ['metallb.io/v1beta1'],
  Community: ['metallb.io/v1beta1'],
  BGPPeer: ['metallb.io/v1beta2', 'metallb.io/v1beta1'],
};

export interface ParsedObject {
  /** which Snapshot list the object belongs to */
  list: keyof Snapshot;
  object: KubeObject;
  /** the object as written, before any conversion (what the API server would be sent) */
  written: Record<string, unknown>;
  file: string;
  line: number;
}

export interface ParseResult {
  objects: ParsedObject[];
  errors: string[];
}

export function parseDocuments(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, customTags: (tags) => [...tags, yaml11Bool] });
  const result: ParseResult = { objects: [], errors: [] };
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  // A stream that only holds comments parses to an empty array, not documents.
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list as Document.Parsed[]) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) result.errors.push(`${file}:${lineOf(e.pos[0])}: ${firstLine(e.message)}`);
      continue;
    }
    const contents = doc.contents as YAMLNode | null;
    if (contents === null) continue; // empty document ("---" alone)
    const line = lineOf(contents.range?.[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      result.errors.push(`${file}:${line}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value)) {
      result.errors.push(`${file}:${line}: expected a Kubernetes object (a mapping with apiVersion, kind and metadata)`);
      continue;
    }
    if (value.kind === 'List' || (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items))) {
      const items = Array.isArray(value.items) ? value.items : [];
      const itemsNode = isMap(contents) ? contents.get('items', true) : undefined;
      const itemNodes: YAMLNode[] = isSeq(itemsNode) ? (itemsNode.items as YAMLNode[]) : [];
      items.forEach((item: unknown, i: number) => addObject(item, file, lineOf(itemNodes[i]?.range?.[0] ?? contents.range?.[0]), result));
      continue;
    }
    addObject(value, file, line, result);
  }
  return result;
}

function addObject(value: unknown, file: string, line: number, out: ParseResult): void {
  if (!isPlainObject(value)) {
    out.errors.push(`${file}:${line}: expected a Kubernetes object (a mapping with apiVersion, kind and metadata)`);
    return;
  }
  if (typeof value.kind !== 'string' || value.kind === '') {
    out.errors.push(`${file}:${line}: object has no kind: add "kind:" (for example kind: IPAddressPool)`);
    return;
  }
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
    out.errors.push(`${file}:${line}: ${value.kind} has no apiVersion: add "apiVersion: ${exampleVersion(value.kind)}"`);
    return;
  }
  const meta = value.metadata;
  if (!isPlainObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    out.errors.push(`${file}:${line}: ${value.kind} has no metadata.name: every object needs a name`);
    return;
  }
  const list = KNOWN[`${value.apiVersion}/${value.kind}`];
  if (!list) {
    // A MetalLB kind in a version its CRD does not serve is refused by the API server, not ignored.
    const served = SERVED_VERSIONS[value.kind];
    if (served && value.apiVersion.startsWith('metallb.io/')) {
      out.errors.push(`${file}:${line}: no matches for kind "${value.kind}" in version "${value.apiVersion}": use ${served.join(' or ')}`);
    }
    return; // other kinds (the operator's MetalLB CR, Deployments, ...) are not ours
  }
  let object = value as unknown as KubeObject;
  if (list === 'bgpPeers' && value.apiVersion === 'metallb.io/v1beta1') {
    object = bgpPeerV1beta1ToV1beta2(value as unknown as BGPPeerV1beta1);
  } else if (list === 'secrets') {
    object = normaliseSecret(value as unknown as Secret);
  }
  if (DEFAULT_NAMESPACED.has(list) && object.metadata.namespace === undefined) {
    object = { ...object, metadata: { ...object.metadata, namespace: 'default' } };
  }
  out.objects.push({ list, object, written: value, file, line });
}

/** The apiVersion to suggest for a kind: the one this reader knows it under, MetalLB's newest by default. */
function exampleVersion(kind: string): string {
  const served = SERVED_VERSIONS[kind];
  if (served) return served[0];
  const known = Object.keys(KNOWN).find((k) => k.endsWith(`/${kind}`));
  return known ? known.slice(0, -kind.length - 1) : 'metallb.io/v1beta1';
}

/** stringData is write-only in Kubernetes: the API server merges it into data (base64), and so do we. */
function normaliseSecret(s: Secret): Secret {
  if (!s.stringData) return s;
  const data: Record<string, string> = { ...(s.data ?? {}) };
  for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  const { stringData: _dropped, ...rest } = s;
  return { ...rest, data };
}

/** Collects parsed objects into a Snapshot, in the order given. */
export function toSnapshot(objects: ParsedObject[]): Snapshot {
  const snap = emptySnapshot();
  for (const o of objects) (snap[o.list] as KubeObject[]).push(o.object);
  return snap;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
