// `metallb-ts validate PATH...`: loads the objects, checks the MetalLB ones as the API server would
// with this product's CRDs (schema and CEL rules), and builds the configuration the way MetalLB would.
// Exit 0 with a one-line summary on stdout when valid; exit 1 with one line per problem on stderr otherwise.
import type { Command } from 'commander';
import { loadPaths } from '../sources/files/load.js';
import type { ParsedObject } from '../sources/files/parse.js';
import { buildConfig } from '../config/build.js';
import { formatConfigError, type BuildOptions, type Config } from '../config/types.js';
import type { Snapshot } from '../api/snapshot.js';
import { loadCelEngine, type CelEngine } from '../api/crd-validation/cel-runtime.js';
import { formatFieldError } from '../api/crd-validation/field-error.js';
import { validateCustomResource } from '../api/crd-validation/validate.js';
import { GROUP } from '../api/metallb.js';
import { CRD_DEFINITIONS } from '../api/schema/index.js';

export interface ValidateOutput {
  code: 0 | 1;
  lines: string[];
}

/**
 * What the API server answers when each MetalLB object is applied with the CRDs this product
 * installs (generated from the same schemas): one line per error, "<Kind>/<name>: <field>: <error>".
 * Unknown fields are not errors here (the API server drops them; --warnings names them).
 */
export function crdProblems(objects: ParsedObject[], cel: CelEngine): string[] {
  const out: string[] = [];
  for (const o of objects) {
    const { apiVersion, kind } = o.written as { apiVersion: string; kind: string };
    const version = CRD_DEFINITIONS.find((d) => d.kind === kind)?.versions.find((v) => `${GROUP}/${v.name}` === apiVersion);
    if (!version) continue;
    const r = validateCustomResource(version.schema, o.written, { cel, fieldValidation: 'Ignore' });
    for (const e of r.errors) out.push(`${kind}/${o.object.metadata.name}: ${formatFieldError(e)}`);
  }
  return out;
}

/** MetalLB objects among the loaded ones: only they need the CEL engine. */
export const metallbObjects = (objects: ParsedObject[]): ParsedObject[] =>
  objects.filter((o) => String(o.written.apiVersion).startsWith(`${GROUP}/`));

/** Pure core of the command (after loading), so tests need no process. crdErrors: from crdProblems. */
export function validateSnapshot(snapshot: Snapshot, loadErrors: string[], opts: BuildOptions & { warnings?: boolean } = {}, crdErrors: string[] = []): ValidateOutput {
  const lines = [...loadErrors, ...crdErrors];
  if (opts.namespace !== undefined) lines.push(...namespaceProblems(snapshot, opts.namespace));
  // Without the Node's labels no nodeSelector can be evaluated, so the speaker's view would be a guess.
  if (opts.node !== undefined && !snapshot.nodes.some((n) => n.metadata.name === opts.node)) {
    lines.push(`--node ${opts.node}: no Node named ${opts.node} in the objects read: add it (kubectl get node ${opts.node} -o yaml)`);
  }
  const result = buildConfig(snapshot, opts);
  if (!result.ok) {
    // The configuration checks word schema errors as the API server does: say each once.
    lines.push(...result.errors.map(formatConfigError));
    return { code: 1, lines: [...new Set(lines)] };
  }
  if (lines.length > 0) return { code: 1, lines: [...new Set(lines)] };
  return { code: 0, lines: [summary(result.config, snapshot), ...(opts.warnings ? result.warnings.map((w) => `warning: ${w}`) : [])] };
}

function summary(c: Config, s: Snapshot): string {
  const bgpAds = new Set<string>();
  const l2Ads = new Set<string>();
  for (const p of c.pools.values()) {
    p.bgpAdvertisements.forEach((a) => bgpAds.add(a.name));
    p.l2Advertisements.forEach((a) => l2Ads.add(a.name));
  }
  const lbServices = s.services.filter((x) => x.spec?.type === 'LoadBalancer').length;
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  return (
    `valid: ${n(c.pools.size, 'pool')}, ${n(c.peers.length, 'peer')}, ${n(s.bgpAdvertisements.length, 'BGP advertisement')}, ` +
    `${n(s.l2Advertisements.length, 'L2 advertisement')}, ${n(c.bfdProfiles.size, 'BFD profile')}, ` +
    `${c.communityAliases.size} community ${c.communityAliases.size === 1 ? 'alias' : 'aliases'}, ` +
    `${n(lbServices, 'LoadBalancer service')}, ${n(s.nodes.length, 'node')}`
  );
}

/** The webhooks refuse MetalLB objects created outside MetalLB's namespace. */
function namespaceProblems(s: Snapshot, ns: string): string[] {
  const lists = [s.pools, s.bgpAdvertisements, s.l2Advertisements, s.bgpPeers, s.bfdProfiles, s.communities];
  const out: string[] = [];
  for (const list of lists) {
    for (const o of list) {
      if (o.metadata.namespace !== undefined && o.metadata.namespace !== ns) {
        out.push(`${o.kind}/${o.metadata.name}: resource must be created in ${ns} namespace (it is in ${o.metadata.namespace})`);
      }
    }
  }
  return out;
}

const HELP_AFTER = `
What it checks:
  First what the API server checks when the objects are applied with metallb-ts's CRDs: field types,
  required fields, ranges, names, and the CRDs' validation rules (the same CRDs the chart installs).
  Then the rules MetalLB applies in FRR mode when it loads its configuration: pool addresses and overlaps,
  peers (ASNs, addresses, timers, passwords and their Secrets, BFD profile references), FRR's
  one-router-per-VRF rules for peers sharing a node, BFD profile ranges, communities and aliases,
  advertisements (aggregation lengths, local preferences, duplicates) and label selectors.

Output:
  valid: a one-line summary on stdout, exit 0.
  invalid: one line per problem on stderr, exit 1, as
    <Kind>/<name>: <field>: <MetalLB's message>: <what to change>
  or, for what the API server itself would refuse, in its words:
    <Kind>/<name>: <field>: Invalid value: "string": <the CRD rule's message>
  Load errors (unreadable files, malformed YAML) come first, as <file>:<line>: <message>.

Examples:
  metallb-ts validate ./manifests
  metallb-ts validate metallb.yaml nodes.yaml --namespace metallb-system --node worker-1
`;

export function register(program: Command): void {
  program
    .command('validate')
    .description('check that the MetalLB objects in PATH (files or folders of YAML) form a valid configuration')
    .argument('<path...>', 'YAML files or folders')
    .option('--namespace <ns>', "MetalLB's namespace: objects elsewhere are refused, Secrets are read only there")
    .option('--node <name>', "validate the speaker's view for this node (peers and BGP advertisements not selecting it are dropped)")
    .option('--admission', 'ignore references that may resolve later (Secrets, BFD profiles, community aliases), as the webhooks do')
    .option('--warnings', 'also print warnings when valid')
    .addHelpText('after', HELP_AFTER)
    .action(async (paths: string[], o: { namespace?: string; node?: string; admission?: boolean; warnings?: boolean }) => {
      const loaded = await loadPaths(paths);
      // The CEL engine is loaded only when there is a MetalLB object to check.
      const ours = metallbObjects(loaded.objects);
      const crdErrors = ours.length > 0 ? crdProblems(ours, await loadCelEngine()) : [];
      const out = validateSnapshot(loaded.snapshot, loaded.errors, {
        namespace: o.namespace,
        node: o.node,
        ignoreTransient: o.admission,
        warnings: o.warnings,
      }, crdErrors);
      // Like allocate: the summary on stdout, problems on stderr (pipe with 2>&1 to grep them).
      const stream = out.code === 0 ? process.stdout : process.stderr;
      for (const l of out.lines) stream.write(`${l}\n`);
      process.exitCode = out.code;
    });
}
