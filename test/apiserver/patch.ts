// JSON merge patch (RFC 7386) and JSON patch (RFC 6902), the two patch types the product sends.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: Json, parts: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

function parentOf(doc: Json, parts: string[], path: string): { parent: Json; key: string } {
  const parent = getAt(doc, parts.slice(0, -1));
  if (parent === undefined || parent === null || typeof parent !== 'object') throw new Error(`path "${path}" does not exist`);
  return { parent, key: parts[parts.length - 1] };
}

function remove(doc: Json, path: string): Json {
  const parts = pointer(path);
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw new Error(`path "${path}" does not exist`);
    return parent.splice(i, 1)[0];
  }
  const obj = parent as Record<string, Json>;
  if (!(key in obj)) throw new Error(`path "${path}" does not exist`);
  const old = obj[key];
  delete obj[key];
  return old;
}

function add(doc: Json, path: string, value: Json, replace: boolean): Json {
  const parts = pointer(path);
  if (parts.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length)) throw new Error(`path "${path}" is out of bounds`);
    if (replace) parent[i] = structuredClone(value);
    else parent.splice(i, 0, structuredClone(value));
  } else {
    const obj = parent as Record<string, Json>;
    if (replace && !(key in obj)) throw new Error(`path "${path}" does not exist`);
    obj[key] = structuredClone(value);
  }
  return doc;
}

export function jsonPatch(target: Json, ops: JsonPatchOp[]): Json {
  let doc = structuredClone(target);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, op.value ?? null, false);
        break;
      case 'replace':
        doc = add(doc, op.path, op.value ?? null, true);
        break;
      case 'remove':
        remove(doc, op.path);
        break;
      case 'move': {
        const v = remove(doc, op.from ?? '');
        doc = add(doc, op.path, v, false);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, structuredClone(getAt(doc, pointer(op.from ?? '')) ?? null), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, pointer(op.path))) !== JSON.stringify(op.value)) throw new Error(`test failed at "${op.path}"`);
        break;
      default:
        throw new Error(`unknown patch op ${(op as { op: string }).op}`);
    }
  }
  return doc;
}
