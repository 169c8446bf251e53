// The webhook while it cannot read the current objects: an API server that accepts connections and
// never answers (so the informers never sync), and one that answers but too slowly for the review's
// deadline. Each review must still get an answer, a denial that says why, and none may wait forever.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KubeSource, admissionLister } from '../../src/sources/kube/source.js';
import { WebhookServer } from '../../src/webhook/server.js';
import type { AdmissionResponse } from '../../src/webhook/types.js';
import { kubeConfigFor } from '../apiserver/index.js';

const NS = 'metallb-system';

/** A TCP server that takes connections and never says anything: an API server that hangs. */
async function blackhole(): Promise<{ url: string; sockets: Set<Socket>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** POSTs a review; rejects when no answer comes within `giveUpMs` (a hang, which is the fault). */
function review(port: number, path: string, query = '', giveUpMs = 20_000): Promise<AdmissionResponse> {
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'u1', operation: 'CREATE', name: 'p', namespace: NS, kind: { group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool' },
      object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p', namespace: NS }, spec: { addresses: ['192.0.2.0/24'] } } },
  });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: path + query, method: 'POST', headers: { 'content-type': 'application/json' }, timeout: giveUpMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { response: AdmissionResponse }).response));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${giveUpMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const POOL = '/validate-metallb-io-v1beta1-ipaddresspool';

describe('webhook whose API server does not answer', () => {
  let hole: Awaited<ReturnType<typeof blackhole>>;
  let source: KubeSource;
  let webhook: WebhookServer;
  let port: number;

  beforeAll(async () => {
    hole = await blackhole();
    const kc = kubeConfigFor(hole.url);
    source = new KubeSource({ kubeConfig: kc, namespace: NS }).start();
    // wired as the controller and `metallb-ts webhook` wire it
    webhook = new WebhookServer({ namespace: NS, lister: admissionLister(source, kc, NS), canRead: () => source.isReady });
    port = await webhook.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await webhook.close();
    await source.stop();
    await hole.close();
  });

  it('denies at once, saying it cannot read the current objects yet', async () => {
    const res = await review(port, POOL);
    expect(res.allowed).toBe(false);
    expect(res.status).toEqual({
      code: 503, reason: 'ServiceUnavailable',
      message: 'failed to get existing IPAddressPool objects: the webhook cannot read the current objects yet (its caches have not synced with the API server); try again in a moment',
    });
  });

  it('answers every review of a burst, and none of them waits on the API', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => review(port, POOL)));
    expect(answers.every((a) => !a.allowed && /cannot read the current objects yet/.test(a.status?.message ?? ''))).toBe(true);
    // the informers' own list requests are the only connections the API server ever got
    expect(hole.sockets.size).toBeLessThanOrEqual(source.informers.length);
  });
});

describe('webhook whose reads outlast the review deadline', () => {
  let webhook: WebhookServer;
  let port: number;
  const aborted: string[] = [];

  beforeAll(async () => {
    webhook = new WebhookServer({
      namespace: NS, reviewTimeoutMs: 300,
      // a read that never finishes on its own; it must be told to stop
      lister: (_keys, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => {
        aborted.push(String((signal.reason as Error).message));
        reject(signal.reason as Error);
      })),
    });
    port = await webhook.listen(0, '127.0.0.1');
  });
  afterAll(() => webhook.close());

  it('denies when the deadline passes and aborts the read', async () => {
    const res = await review(port, POOL);
    expect(res.allowed).toBe(false);
    expect(res.status?.code).toBe(500);
    expect(res.status?.message).toBe('failed to get existing IPAddressPool objects: reading the current objects took longer than 300 ms');
    expect(aborted).toEqual(['reading the current objects took longer than 300 ms']);
  });

  it('takes the deadline from the API server\'s ?timeout= (minus a second of margin)', async () => {
    const res = await review(port, POOL, '?timeout=2s');
    expect(res.status?.message).toBe('failed to get existing IPAddressPool objects: reading the current objects took longer than 1000 ms');
  });
});

describe('webhook with more reviews than reads it allows at once', () => {
  it('makes a review wait for its turn (judged, not refused), and refuses it only when its deadline passes first', async () => {
    const releases: Array<() => void> = [];
    const webhook = new WebhookServer({
      namespace: NS, reviewTimeoutMs: 5000, maxInFlight: 1,
      lister: async () => {
        await new Promise<void>((r) => releases.push(r));
        const { emptySnapshot } = await import('../../src/api/snapshot.js');
        return emptySnapshot();
      },
    });
    const port = await webhook.listen(0, '127.0.0.1');
    try {
      const first = review(port, POOL);
      const second = review(port, POOL);
      // one read at a time: the second review reads only after the first one's read is done
      const waitReads = async (n: number) => {
        const end = Date.now() + 10_000;
        while (releases.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      };
      await waitReads(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(releases).toHaveLength(1);
      releases[0]();
      await waitReads(2);
      releases[1]();
      expect((await first).allowed).toBe(true);
      expect((await second).allowed).toBe(true);
      // a read that never ends holds the only turn: the next review is refused at its deadline, saying why
      const stuck = review(port, POOL);
      await waitReads(3);
      const late = await review(port, POOL, '?timeout=2s');
      expect(late.status?.message).toBe('failed to get existing IPAddressPool objects: reading the current objects took longer than 1000 ms (too many reviews at once)');
      releases[2]();
      expect((await stuck).allowed).toBe(true);
    } finally {
      await webhook.close();
    }
  });
});
