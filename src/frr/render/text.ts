// FrrModel -> frr.conf text through the handlebars templates of templates/. Pure: the template sources
// are passed in (src/frr/templates.ts reads them from disk).
import Handlebars from 'handlebars';
import {
  DEBUG_LINES,
  ROUTE_MAP_DELAY_LINE,
  bfdProfileLines,
  logLine,
  prefixListLine,
  routeMapEntryLines,
  routerHeader,
  type AF,
  type FrrModel,
  type RouterModel,
} from './model.js';

export interface TemplateSources {
  /** templates/frr.conf.hbs */
  main: string;
  /** partials by name: router, routemap, bfd */
  partials: Record<string, string>;
}

interface RouterView {
  header: string;
  lines: string[];
  neighborLines: string[];
  families: { name: string; lines: string[] }[];
}

function routerView(r: RouterModel): RouterView {
  const neighborLines = r.neighbors.flatMap((n) => n.options.map((o) => `neighbor ${n.name} ${o.text}`));
  const families: RouterView['families'] = [];
  for (const fam of [4, 6] as AF[]) {
    const lines = r.networks[fam].map((p) => `network ${p}`);
    for (const n of r.neighbors) {
      const af = n.af[fam];
      if (!af) continue;
      lines.push(`neighbor ${n.name} activate`);
      if (af.routeMapIn) lines.push(`neighbor ${n.name} route-map ${af.routeMapIn} in`);
      if (af.routeMapOut) lines.push(`neighbor ${n.name} route-map ${af.routeMapOut} out`);
    }
    if (lines.length > 0) families.push({ name: fam === 4 ? 'ipv4' : 'ipv6', lines });
  }
  return { header: routerHeader(r), lines: r.lines, neighborLines, families };
}

/** The values the templates print, all lines precomputed so templates stay layout only. */
export function templateView(m: FrrModel): Record<string, unknown> {
  return {
    hostname: m.hostname,
    logLine: logLine(m.logLevel, m.explicit),
    routeMapDelayLine: ROUTE_MAP_DELAY_LINE,
    debugLines: m.debug ? DEBUG_LINES : [],
    routers: m.routers.map(routerView),
    ipv4Lists: m.prefixLists.filter((l) => l.family === 4).flatMap((l) => l.entries.map((e) => prefixListLine(l, e))),
    ipv6Lists: m.prefixLists.filter((l) => l.family === 6).flatMap((l) => l.entries.map((e) => prefixListLine(l, e))),
    routeMaps: m.routeMaps.flatMap((rm) => rm.entries.map((e) => ({ name: rm.name, action: e.action, seq: e.seq, lines: routeMapEntryLines(e) }))),
    bfdProfiles: m.bfdProfiles.map((p) => ({ name: p.name, lines: bfdProfileLines(p) })),
    extras: m.extras.trim(),
  };
}

const compiled = new WeakMap<TemplateSources, HandlebarsTemplateDelegate>();

function compile(t: TemplateSources): HandlebarsTemplateDelegate {
  let fn = compiled.get(t);
  if (!fn) {
    const hb = Handlebars.create();
    for (const [name, src] of Object.entries(t.partials)) hb.registerPartial(name, src);
    // noEscape: this is a config file, not HTML; strict: a misspelt field fails loudly.
    fn = hb.compile(t.main, { noEscape: true, strict: false, preventIndent: true });
    compiled.set(t, fn);
  }
  return fn;
}

export function renderModel(m: FrrModel, templates: TemplateSources): string {
  return compile(templates)(templateView(m));
}
