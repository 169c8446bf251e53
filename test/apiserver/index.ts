export { FakeApiServer, type Fault, type Verb, type RequestRecord } from './server.js';
export { kubeConfigFor, writeKubeconfig } from './kubeconfig.js';
export { BUILTIN_RESOURCES, type ResourceType } from './resources.js';
export type { Obj } from './store.js';
export { installAuthReviews, type AuthReviews, type Identity } from './auth-reviews.js';
