// Label and field selector strings as the API server accepts them in ?labelSelector= / ?fieldSelector=.

type LabelTest = (labels: Record<string, string>) => boolean;

/** Split on commas that are not inside parentheses ("a in (x,y),b" -> ["a in (x,y)", "b"]). */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function parseLabelTerm(term: string): LabelTest {
  let m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in'
      ? (l) => key in l && values.has(l[key])
      : (l) => !(key in l) || !values.has(l[key]);
  }
  m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^!\s*(\S+)$/.exec(term);
  if (m) {
    const key = m[1];
    return (l) => !(key in l);
  }
  if (/^\S+$/.test(term)) return (l) => term in l;
  throw new Error(`unable to parse requirement: ${term}`);
}

export function parseLabelSelector(text: string | null): LabelTest {
  if (!text) return () => true;
  const tests = splitTerms(text).map(parseLabelTerm);
  return (labels) => tests.every((t) => t(labels));
}

function fieldValue(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? undefined : String(cur);
}

/** Field selectors: `path=value`, `path==value`, `path!=value`, comma-joined (AND). */
export function parseFieldSelector(text: string | null): (obj: unknown) => boolean {
  if (!text) return () => true;
  const tests = splitTerms(text).map((term) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) throw new Error(`invalid field selector: ${term}`);
    const [, path, op, value] = m;
    return op === '!='
      ? (o: unknown) => (fieldValue(o, path.trim()) ?? '') !== value
      : (o: unknown) => (fieldValue(o, path.trim()) ?? '') === value;
  });
  return (obj) => tests.every((t) => t(obj));
}
