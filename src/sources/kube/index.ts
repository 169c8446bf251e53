export { KubeSource, admissionLister, listSnapshot, type KubeSourceOptions } from './source.js';
export { resolveNamespace } from './namespace.js';
export { loadKubeConfig } from './client.js';
