// Collects ConfigErrors while the builder walks the snapshot, plus the schema checks the API server
// would have made (types, ranges) with Kubernetes' wording, since a file source has no API server.
import type { ConfigError } from './types.js';
import type { LabelSelector } from '../api/meta.js';
import { selectorShapeProblem } from './selectors.js';

export class Problems {
  readonly errors: ConfigError[] = [];
  readonly warnings: string[] = [];

  add(kind: string, name: string, message: string, extra: { field?: string; transient?: boolean } = {}): void {
    const e: ConfigError = { kind, name, message };
    if (extra.field) e.field = extra.field;
    if (extra.transient) e.transient = true;
    this.errors.push(e);
  }

  /** A reporter bound to one object, counting what it reported so the caller can skip the object. */
  for(kind: string, name: string): Reporter {
    return new Reporter(this, kind, name);
  }
}

export class Reporter {
  hard = 0;
  constructor(private readonly p: Problems, readonly kind: string, readonly name: string) {}

  error(message: string, field?: string): void {
    this.hard++;
    this.p.add(this.kind, this.name, message, { field });
  }

  transient(message: string, field?: string): void {
    this.p.add(this.kind, this.name, message, { field, transient: true });
  }

  warn(message: string): void {
    this.p.warnings.push(`${this.kind}/${this.name}: ${message}`);
  }

  get ok(): boolean {
    return this.hard === 0;
  }

  /** An optional integer field with CRD bounds; undefined when absent or invalid (then reported). */
  int(obj: Record<string, unknown> | undefined, key: string, path: string, min?: number, max?: number): number | undefined {
    const v = obj?.[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.error(`Invalid value: ${JSON.stringify(v)}: ${path} in body must be of type integer: "${typeName(v)}"`, path);
      return undefined;
    }
    if (min !== undefined && v < min) {
      this.error(`Invalid value: ${v}: ${path} in body should be greater than or equal to ${min}`, path);
      return undefined;
    }
    if (max !== undefined && v > max) {
      this.error(`Invalid value: ${v}: ${path} in body should be less than or equal to ${max}`, path);
      return undefined;
    }
    return v;
  }

  str(obj: Record<string, unknown> | undefined, key: string, path: string): string | undefined {
    const v = obj?.[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.error(`Invalid value: ${JSON.stringify(v)}: ${path} in body must be of type string: "${typeName(v)}"`, path);
      return undefined;
    }
    return v;
  }

  bool(obj: Record<string, unknown> | undefined, key: string, path: string): boolean | undefined {
    const v = obj?.[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.error(`Invalid value: ${JSON.stringify(v)}: ${path} in body must be of type boolean: "${typeName(v)}"`, path);
      return undefined;
    }
    return v;
  }

  /** An optional list of label selectors; malformed entries are reported and left out. */
  selectors(obj: Record<string, unknown> | undefined, key: string, path: string): LabelSelector[] {
    const v = obj?.[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.error(`Invalid value: ${JSON.stringify(v)}: ${path} in body must be of type array: "${typeName(v)}"`, path);
      return [];
    }
    const out: LabelSelector[] = [];
    v.forEach((item, i) => {
      const why = selectorShapeProblem(item);
      if (why) this.error(`Invalid value: ${JSON.stringify(item)}: ${why}`, `${path}[${i}]`);
      else out.push(item as LabelSelector);
    });
    return out;
  }

  /** An optional list; every item must pass `itemOk` (reported otherwise). */
  list<T>(obj: Record<string, unknown> | undefined, key: string, path: string, itemType: 'string' | 'object'): T[] {
    const v = obj?.[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.error(`Invalid value: ${JSON.stringify(v)}: ${path} in body must be of type array: "${typeName(v)}"`, path);
      return [];
    }
    const out: T[] = [];
    v.forEach((item, i) => {
      const good = itemType === 'string' ? typeof item === 'string' : typeof item === 'object' && item !== null && !Array.isArray(item);
      if (!good) this.error(`Invalid value: ${JSON.stringify(item)}: ${path}[${i}] in body must be of type ${itemType}: "${typeName(item)}"`, `${path}[${i}]`);
      else out.push(item as T);
    });
    return out;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
