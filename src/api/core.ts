// The parts of core Kubernetes objects the product reads (and the Service status it writes).
import type { Condition, KubeObject } from './meta.js';

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export type IPFamily = 'IPv4' | 'IPv6';
export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: IPFamily[];
  ipFamilyPolicy?: IPFamilyPolicy;
  loadBalancerIP?: string;
  loadBalancerClass?: string;
  externalTrafficPolicy?: 'Cluster' | 'Local';
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

export interface ServiceStatus {
  loadBalancer?: { ingress?: LoadBalancerIngress[] };
  conditions?: Condition[];
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: ServiceSpec;
  status?: ServiceStatus;
}

export interface EndpointConditions {
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  nodeName?: string;
}

export interface EndpointSlice extends KubeObject {
  kind: 'EndpointSlice';
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: Endpoint[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname' | string;
  address: string;
}

export interface Node extends KubeObject {
  kind: 'Node';
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: { addresses?: NodeAddress[]; conditions?: Condition[] };
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export interface Secret extends KubeObject {
  kind: 'Secret';
  type?: string;
  /** base64-encoded values, as the API returns them */
  data?: Record<string, string>;
  /** plain values, as written in YAML; merged into data when loading */
  stringData?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  kind: 'ConfigMap';
  data?: Record<string, string>;
}
