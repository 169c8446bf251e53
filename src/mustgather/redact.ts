// Secrets never leave the machine in a must-gather archive: BGP passwords in FRR configuration and
// logs, `password:` fields in YAML/JSON, and every value of a Kubernetes Secret are replaced. Pure
// functions: the collectors run everything they write through these.

export const REDACTED = '<redacted>';

const TEXT_RULES: Array<[RegExp, string]> = [
  // FRR: `neighbor 192.0.2.1 password s3cret`, also inside vtysh logs and command echoes.
  [/(\bneighbor\s+\S+\s+password\s+)\S.*$/gim, `$1${REDACTED}`],
  // FRR: `password x` / `enable password x` (vty passwords) at the start of a line.
  [/^(\s*(?:enable\s+)?password\s+)\S.*$/gim, `$1${REDACTED}`],
  // JSON: "password": "x" (and "Password", "passwordSecret" is a reference, kept).
  [/("password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  // YAML: password: x (block or flow style key)
  [/^(\s*(?:-\s+)?password\s*:\s*)(?!\s*$)\S.*$/gim, `$1${REDACTED}`],
  [/([{,]\s*password\s*:\s*)[^,}\n]+/gi, `$1${REDACTED}`],
];

/** Redacts passwords from any collected text (configuration, command output, logs, YAML). */
export function redactText(text: string): string {
  let out = text;
  for (const [re, replacement] of TEXT_RULES) out = out.replace(re, replacement);
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function redactValue(value: Json, key: string | undefined): Json {
  if (typeof value === 'string') {
    if (key !== undefined && /^password$/i.test(key)) return REDACTED;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, undefined));
  if (value && typeof value === 'object') return redactObject(value);
  return value;
}

/**
 * A deep copy of a Kubernetes-shaped object with secrets replaced: every data/stringData value of a
 * Secret, every string field named `password`, and the same inside the last-applied annotation
 * (which kubectl fills with the whole object, Secret data included).
 */
export function redactObject<T>(obj: T): T {
  if (obj === null || typeof obj !== 'object') return obj;
  if (Array.isArray(obj)) return obj.map((o) => redactObject(o)) as T;
  const src = obj as Record<string, Json>;
  const out: Record<string, Json> = {};
  const isSecret = src.kind === 'Secret';
  for (const [k, v] of Object.entries(src)) {
    if (isSecret && (k === 'data' || k === 'stringData') && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.keys(v).map((key) => [key, REDACTED]));
    } else if (k === 'metadata' && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = redactMetadata(v as Record<string, Json>);
    } else {
      out[k] = redactValue(v, k);
    }
  }
  return out as T;
}

function redactMetadata(meta: Record<string, Json>): Record<string, Json> {
  const copy = redactObject(meta);
  const annotations = copy.annotations as Record<string, string> | undefined;
  if (annotations && typeof annotations[LAST_APPLIED] === 'string') {
    let replaced: string;
    try {
      replaced = JSON.stringify(redactObject(JSON.parse(annotations[LAST_APPLIED]) as Json));
    } catch {
      replaced = redactText(annotations[LAST_APPLIED]);
    }
    copy.annotations = { ...annotations, [LAST_APPLIED]: replaced };
  }
  return copy;
}
