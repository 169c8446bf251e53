// Field errors worded as the API server words them (k8s.io/apimachinery/pkg/util/validation/field):
// "spec.addresses[0]: Invalid value: \"string\": each address must be ...".

export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'NotSupported' | 'Duplicate' | 'TooLong' | 'TooMany' | 'UnknownField';

export interface FieldError {
  /** "spec.addresses[0]"; "" for the object itself */
  path: string;
  type: FieldErrorType;
  /** the offending value where the message shows one */
  value?: unknown;
  detail: string;
}

/** Go's %#v-ish rendering of a value in a field error: strings quoted, the rest as JSON. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined) return 'null';
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

export function formatFieldError(e: FieldError): string {
  const at = e.path === '' ? '<root>' : e.path;
  switch (e.type) {
    case 'Invalid':
      return `${at}: Invalid value: ${showValue(e.value)}: ${e.detail}`;
    case 'Required':
      return `${at}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'Forbidden':
      return `${at}: Forbidden: ${e.detail}`;
    case 'NotSupported':
      return `${at}: Unsupported value: ${showValue(e.value)}: ${e.detail}`;
    case 'Duplicate':
      return `${at}: Duplicate value: ${showValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'TooLong':
      return `${at}: Too long: ${e.detail}`;
    case 'TooMany':
      return `${at}: Too many: ${showValue(e.value)}: ${e.detail}`;
    case 'UnknownField':
      return `unknown field ${JSON.stringify(e.path)}`;
  }
}

/** field.Path rendering: a.b, a[0], a[key]. */
export const childPath = (parent: string, name: string): string => (parent === '' ? name : `${parent}.${name}`);
export const indexPath = (parent: string, i: number | string): string => `${parent}[${i}]`;
