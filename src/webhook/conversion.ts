// The BGPPeer conversion webhook: ConversionReview between v1beta1 and v1beta2.
import { BGPPEER_V1BETA1, BGPPEER_V1BETA2, bgpPeerV1beta1ToV1beta2, bgpPeerV1beta2ToV1beta1, type BGPPeerV1beta1 } from '../api/convert.js';
import type { KubeObject } from '../api/meta.js';
import type { BGPPeer } from '../api/metallb.js';
import type { ConversionReview } from './types.js';

function convertOne(obj: KubeObject, desired: string): KubeObject {
  if (obj.kind !== 'BGPPeer') throw new Error(`cannot convert kind ${obj.kind}: only BGPPeer has more than one version`);
  if (obj.apiVersion === desired) return obj;
  // Everything goes through the storage version.
  const hub = obj.apiVersion === BGPPEER_V1BETA1 ? bgpPeerV1beta1ToV1beta2(obj as unknown as BGPPeerV1beta1)
    : obj.apiVersion === BGPPEER_V1BETA2 ? (obj as BGPPeer)
      : undefined;
  if (!hub) throw new Error(`BGPPeer ${obj.metadata?.name}: unknown apiVersion ${obj.apiVersion}`);
  if (desired === BGPPEER_V1BETA2) return hub as KubeObject;
  if (desired === BGPPEER_V1BETA1) return bgpPeerV1beta2ToV1beta1(hub) as unknown as KubeObject;
  throw new Error(`cannot convert BGPPeer to ${desired}: served versions are ${BGPPEER_V1BETA1} and ${BGPPEER_V1BETA2}`);
}

export function convertReview(review: ConversionReview): ConversionReview {
  const req = review.request;
  const uid = req?.uid ?? '';
  try {
    if (!req) throw new Error('the ConversionReview carries no request');
    const convertedObjects = req.objects.map((o) => {
      const out = convertOne(o, req.desiredAPIVersion);
      // Status is not versioned; keep whatever the object carried.
      const status = (o as { status?: unknown }).status;
      return status === undefined ? out : ({ ...out, status } as KubeObject);
    });
    return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid, convertedObjects, result: { status: 'Success' } } };
  } catch (err) {
    return {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview',
      response: { uid, convertedObjects: [], result: { status: 'Failure', message: (err as Error).message } },
    };
  }
}
