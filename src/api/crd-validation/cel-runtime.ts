// Runs CRD validation rules with @marcbachmann/cel-js, loaded on first use (it is only needed when
// a custom resource is checked). One difference from the API server's cel-go is mended: cel-js's
// duration() refuses Go durations such as "0" and "1μs" and takes some Go refuses ("s", ".s"); the
// rules' duration(x) calls are routed to a Go-exact parser (time.ParseDuration, src/config/duration.ts).
import { parseGoDuration } from '../../config/duration.js';

/** Evaluates a compiled rule; throws on an evaluation error (the API server then fails the rule). */
export type CelProgram = (vars: { self: unknown; oldSelf?: unknown }) => unknown;

export interface CelEngine {
  /** Throws when the rule does not compile. */
  compile(rule: string): CelProgram;
}

type CelJs = typeof import('@marcbachmann/cel-js');
interface CelJsCallNode {
  op: string;
  args: unknown;
  start: number;
}

let loading: Promise<CelEngine> | undefined;

export function loadCelEngine(): Promise<CelEngine> {
  loading ??= import('@marcbachmann/cel-js').then(makeEngine);
  return loading;
}

const GO_DURATION_FN = '__goDuration';
const NS_PER_SECOND = 1_000_000_000n;

function makeEngine(cel: CelJs): CelEngine {
  const env = new cel.Environment({ unlistedVariablesAreDyn: true });
  // cel-js's own Duration type, so comparisons and getMilliseconds() work on what the parser returns.
  const DurationType = (env.evaluate("duration('1s')", {}) as object).constructor as new (seconds: bigint, nanos: number) => unknown;
  env.registerFunction(`${GO_DURATION_FN}(string): google.protobuf.Duration`, (text: string) => {
    const d = parseGoDuration(text);
    if (!d.ok) throw new Error(d.error);
    return new DurationType(d.ns / NS_PER_SECOND, Number(d.ns % NS_PER_SECOND));
  });
  const cache = new Map<string, CelProgram>();
  return {
    compile(rule) {
      let prog = cache.get(rule);
      if (!prog) {
        const parsed = env.parse(routeDurations(rule, env.parse(rule).ast as unknown as CelJsCallNode));
        const check = parsed.check();
        if (!check.valid) throw check.error;
        prog = (vars) => parsed(vars);
        cache.set(rule, prog);
      }
      return prog;
    },
  };
}

/** The rule's text with every duration(...) call renamed to the Go-exact parser. */
function routeDurations(rule: string, ast: CelJsCallNode): string {
  const starts: number[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object' && typeof (n as CelJsCallNode).op === 'string') {
      const node = n as CelJsCallNode;
      const args = node.args as unknown[];
      if (node.op === 'call' && args[0] === 'duration' && rule.startsWith('duration', node.start)) starts.push(node.start);
      walk(node.args);
    }
  };
  walk(ast);
  let out = rule;
  for (const s of starts.sort((a, b) => b - a)) out = `${out.slice(0, s)}${GO_DURATION_FN}${out.slice(s + 'duration'.length)}`;
  return out;
}
