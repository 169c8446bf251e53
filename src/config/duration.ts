// Go duration strings ("90s", "1m30s", "500ms"), as metav1.Duration accepts them, in nanoseconds
// (bigint: exact, and Go's int64 range is checked). Also Go's Duration.String(), so messages print
// durations the way MetalLB users see them upstream.

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export const NS_PER_SECOND = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;

export type DurationParse = { ok: true; ns: bigint } | { ok: false; error: string };

/** time.ParseDuration semantics: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or "0". */
export function parseGoDuration(text: string): DurationParse {
  const bad = (): DurationParse => ({ ok: false, error: `time: invalid duration ${goQuote(text)}` });
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ns: 0n };
  if (s === '') return bad();
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?([^\d.]+)/;
  while (s !== '') {
    const m = re.exec(s);
    if (!m) {
      if (/^\d*(\.\d*)?$/.test(s) && /\d/.test(s)) return { ok: false, error: `time: missing unit in duration ${goQuote(text)}` };
      return bad();
    }
    const [whole, intPart, fracPart, unitText] = m;
    if (intPart === '' && (fracPart === undefined || fracPart === '')) return bad();
    // The unit runs until the next digit or dot.
    const unit = UNIT_NS[unitText];
    if (unit === undefined) return { ok: false, error: `time: unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}` };
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (fracPart) v += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) return bad();
    s = s.slice(whole.length);
  }
  return { ok: true, ns: neg ? -total : total };
}

/** Whole seconds, truncated toward zero (Go's int(d.Seconds())). */
export function wholeSeconds(ns: bigint): number {
  return Number(ns / NS_PER_SECOND);
}

/** Go's time.Duration.String(): "1m30s", "500ms", "0s", "1h0m0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < NS_PER_SECOND) {
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${frac(u, 3)}µs`;
    else out = `${frac(u, 6)}ms`;
  } else {
    const secPart = frac(u % 60_000_000_000n, 9);
    u /= 60_000_000_000n;
    out = `${secPart}s`;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** v / 10^digits printed with the fraction's trailing zeros dropped. */
function frac(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const int = v / scale;
  let f = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  if (f !== '') f = `.${f}`;
  return `${int}${f}`;
}

/** Close enough to Go's %q for the ASCII text found in configuration. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
