export { FakeApiServer, type Fault, type Verb, type RequestRecord } from './server.js';
export { kubeConfigFor, writeKubeconfig } from './kubeconfig.js';
export { BUILTIN_RESOURCES, CUSTOM_RESOURCE_DEFINITIONS, DEPLOYMENTS, RBAC_RESOURCES, VALIDATING_WEBHOOK_CONFIGURATIONS, type ResourceType } from './resources.js';
export type { Obj } from './store.js';
export { installAuthReviews, type AuthReviews, type Identity } from './auth-reviews.js';
