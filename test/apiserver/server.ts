// A stand-in for the Kubernetes API server, over plain HTTP on 127.0.0.1, good enough for the real
// @kubernetes/client-node: discovery, LIST, chunked WATCH with history replay and 410 Gone, GET,
// POST, PUT with optimistic concurrency, PATCH (merge and JSON patch), DELETE and status
// subresources. Tests can inject faults: drop watches, fail the next requests, expire the history.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { jsonPatch, mergePatch, type Json, type JsonPatchOp } from './patch.js';
import { BUILTIN_RESOURCES, apiVersionOf, resourceKey, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError, Store, type HistoryEvent, type Obj } from './store.js';

export type Verb = 'list' | 'watch' | 'get' | 'create' | 'update' | 'patch' | 'delete';

export interface Fault {
  verb: Verb;
  /** plural name, e.g. "services"; omitted = any resource */
  resource?: string;
  /** also matches only the status subresource when true, only the main resource when false */
  subresource?: string;
  count: number;
  code: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  verb: Verb;
  resource: string;
  subresource?: string;
  contentType?: string;
  code: number;
}

interface Route {
  r: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface OpenWatch {
  res: ServerResponse;
  socket: Socket;
  close(): void;
}

export class FakeApiServer {
  readonly store = new Store();
  readonly requests: RequestRecord[] = [];
  private readonly resources: ResourceType[] = [...BUILTIN_RESOURCES];
  private readonly faults: Fault[] = [];
  private readonly watches = new Set<OpenWatch>();
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** create-only endpoints that store nothing (TokenReview, SubjectAccessReview): path -> answer */
  private readonly reviewEndpoints = new Map<string, (body: Obj) => Obj>();

  /** Base URL, e.g. http://127.0.0.1:41234 (after start). */
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.fail(res, new ApiError(500, 'InternalError', String(err))));
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addResource(r: ResourceType): void {
    this.resources.push(r);
  }

  hasResource(r: Pick<ResourceType, 'group' | 'plural'>): boolean {
    return this.resources.some((x) => x.group === r.group && x.plural === r.plural);
  }

  /**
   * A create-only endpoint that stores nothing, as the API server's review APIs: POST `path` with an
   * object answers 201 with `answer(object)` (see auth-reviews.ts).
   */
  addReviewEndpoint(path: string, answer: (body: Obj) => Obj): void {
    this.reviewEndpoints.set(path, answer);
  }

  resource(pluralOrKind: string, group?: string): ResourceType {
    const r = this.resources.find((x) => (x.plural === pluralOrKind || x.kind === pluralOrKind) && (group === undefined || x.group === group));
    if (!r) throw new Error(`unknown resource ${pluralOrKind}`);
    return r;
  }

  // ---- direct access for test set-up (same semantics as the HTTP verbs) -------------------
  create(obj: Obj): Obj {
    const r = this.resourceForObject(obj);
    return this.withApiVersion(this.store.create(r, this.prepareCreate(r, structuredClone(obj))), r, r.versions[0]);
  }

  update(obj: Obj): Obj {
    const r = this.resourceForObject(obj);
    return this.store.update(r, structuredClone(obj), obj.metadata.resourceVersion);
  }

  remove(kind: string, namespace: string | undefined, name: string): Obj {
    const r = this.resource(kind);
    return this.store.delete(r, namespace, name);
  }

  get(kind: string, namespace: string | undefined, name: string): Obj {
    return this.store.get(this.resource(kind), namespace, name);
  }

  list(kind: string, namespace?: string, group?: string): Obj[] {
    return this.store.list(this.resource(kind, group), namespace);
  }

  // ---- fault injection ---------------------------------------------------------------------
  /** The next `count` requests of this verb (and resource) fail with `code`. */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /**
   * End every open watch. Normally (`abrupt: false`) the stream ends cleanly, as when the server's
   * watch timeout expires; `abrupt: true` destroys the connection, which clients see as an error.
   */
  dropWatches(opts: { abrupt?: boolean } = {}): number {
    const n = this.watches.size;
    for (const w of [...this.watches]) {
      if (opts.abrupt) w.socket.destroy();
      else w.close();
    }
    return n;
  }

  /** Compact the history: clients resuming from an older resourceVersion get 410 Gone. */
  expireHistory(): void {
    this.store.expireHistory();
  }

  openWatchCount(): number {
    return this.watches.size;
  }

  // ---- HTTP --------------------------------------------------------------------------------
  private resourceForObject(obj: Obj): ResourceType {
    const [group, version] = (obj.apiVersion ?? '').includes('/') ? obj.apiVersion!.split('/') : ['', obj.apiVersion ?? 'v1'];
    const r = this.resources.find((x) => x.kind === obj.kind && x.group === group && x.versions.includes(version));
    if (!r) throw new Error(`unknown kind ${obj.apiVersion} ${obj.kind}`);
    return r;
  }

  private withApiVersion(o: Obj, r: ResourceType, version: string): Obj {
    o.apiVersion = apiVersionOf(r.group, version);
    o.kind = r.kind;
    return o;
  }

  private prepareCreate(r: ResourceType, obj: Obj): Obj {
    obj.metadata ??= {};
    delete obj.metadata.resourceVersion;
    obj.kind = r.kind;
    obj.apiVersion = apiVersionOf(r.group, r.versions[0]);
    return obj;
  }

  private route(path: string): Route | 'discovery' | undefined {
    const parts = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') {
      if (parts.length <= 2) return 'discovery';
      group = '';
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      if (parts.length <= 3) return 'discovery';
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else return undefined;
    const find = (plural: string) => this.resources.find((x) => x.group === group && x.plural === plural && x.versions.includes(version));
    let namespace: string | undefined;
    // namespaces/<ns>/<plural>/... unless this is the Namespace object itself (namespaces/<name>[/status])
    if (rest[0] === 'namespaces' && rest.length >= 3 && find(rest[2])) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const r = find(rest[0]);
    if (!r) return undefined;
    return { r, version, namespace, name: rest[1], subresource: rest[2] };
  }

  private discovery(path: string): unknown {
    const parts = path.split('/').filter(Boolean);
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (path === '/apis') {
      const groups = new Map<string, string[]>();
      for (const r of this.resources) if (r.group) groups.set(r.group, [...new Set([...(groups.get(r.group) ?? []), ...r.versions])]);
      return {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: [...groups].map(([name, vs]) => ({
          name, versions: vs.map((v) => ({ groupVersion: `${name}/${v}`, version: v })), preferredVersion: { groupVersion: `${name}/${vs[0]}`, version: vs[0] },
        })),
      };
    }
    const group = parts[0] === 'api' ? '' : parts[1];
    const version = parts[0] === 'api' ? parts[1] : parts[2];
    if (!version) throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
    const rs = this.resources.filter((r) => r.group === group && r.versions.includes(version));
    if (rs.length === 0) throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
    const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
    return {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version),
      resources: rs.flatMap((r) => [
        { name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs },
        ...(r.statusSubresource ? [{ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] }] : []),
      ]),
    };
  }

  private verbOf(method: string, route: Route, query: URLSearchParams): Verb {
    switch (method) {
      case 'GET':
        if (route.name) return 'get';
        return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return 'delete';
      default:
        throw new ApiError(405, 'MethodNotAllowed', `method ${method} not allowed`);
    }
  }

  private takeFault(verb: Verb, route: Route): Fault | undefined {
    const i = this.faults.findIndex((f) => f.verb === verb && (f.resource === undefined || f.resource === route.r.plural)
      && (f.subresource === undefined || f.subresource === route.subresource));
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (--f.count <= 0) this.faults.splice(i, 1);
    return f;
  }

  private async body(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(400, 'BadRequest', 'request body is not valid JSON');
    }
  }

  private send(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private fail(res: ServerResponse, err: unknown): void {
    const e = err instanceof ApiError ? err : new ApiError(500, 'InternalError', String(err));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.send(res, e.code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const review = this.reviewEndpoints.get(url.pathname);
    if (review) {
      await this.answerReview(req, res, url.pathname, review);
      return;
    }
    const route = this.route(url.pathname);
    if (route === 'discovery') {
      try {
        this.send(res, 200, this.discovery(url.pathname));
      } catch (err) {
        this.fail(res, err);
      }
      return;
    }
    if (!route) {
      this.fail(res, new ApiError(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
      return;
    }
    let verb: Verb = 'get';
    const record = (code: number) => this.requests.push({
      method: req.method ?? '', path: url.pathname + url.search, verb, resource: route.r.plural, subresource: route.subresource,
      contentType: req.headers['content-type'], code,
    });
    try {
      verb = this.verbOf(req.method ?? 'GET', route, url.searchParams);
      const fault = this.takeFault(verb, route);
      if (fault) {
        await this.body(req);
        throw new ApiError(fault.code, fault.code === 409 ? 'Conflict' : 'InternalError', `injected fault: ${verb} ${route.r.plural} fails with ${fault.code}`);
      }
      if (route.subresource && route.subresource !== 'status') throw new ApiError(404, 'NotFound', `subresource ${route.subresource} not supported`);
      if (route.subresource === 'status' && !route.r.statusSubresource) throw new ApiError(404, 'NotFound', `${route.r.plural} has no status subresource`);
      if (verb === 'watch') {
        record(200);
        this.watch(route, url.searchParams, req, res);
        return;
      }
      const [code, out] = await this.dispatch(verb, route, url.searchParams, req);
      record(code);
      this.send(res, code, out);
    } catch (err) {
      record(err instanceof ApiError ? err.code : 500);
      this.fail(res, err);
    }
  }

  private async answerReview(req: IncomingMessage, res: ServerResponse, path: string, answer: (body: Obj) => Obj): Promise<void> {
    const resource = path.split('/').pop() ?? '';
    const record = (code: number) => this.requests.push({ method: req.method ?? '', path, verb: 'create', resource, contentType: req.headers['content-type'], code });
    try {
      if (req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', `${resource} can only be created`);
      const fault = this.faults.findIndex((f) => f.verb === 'create' && (f.resource === undefined || f.resource === resource));
      if (fault >= 0) {
        const f = this.faults[fault];
        if (--f.count <= 0) this.faults.splice(fault, 1);
        await this.body(req);
        throw new ApiError(f.code, 'InternalError', `injected fault: create ${resource} fails with ${f.code}`);
      }
      const body = (await this.body(req)) as Obj;
      if (!body || typeof body !== 'object') throw new ApiError(400, 'BadRequest', 'missing body');
      const out = answer(body);
      record(201);
      this.send(res, 201, out);
    } catch (err) {
      record(err instanceof ApiError ? err.code : 500);
      this.fail(res, err);
    }
  }

  private selectorFilter(route: Route, query: URLSearchParams): (o: Obj) => boolean {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    return (o) => (!route.namespace || o.metadata.namespace === route.namespace) && labels(o.metadata.labels ?? {}) && fields(o);
  }

  private async dispatch(verb: Verb, route: Route, query: URLSearchParams, req: IncomingMessage): Promise<[number, unknown]> {
    const { r, version } = route;
    const view = (o: Obj) => this.withApiVersion(o, r, version);
    switch (verb) {
      case 'list': {
        const keep = this.selectorFilter(route, query);
        return [200, {
          kind: `${r.kind}List`, apiVersion: apiVersionOf(r.group, version),
          metadata: { resourceVersion: String(this.store.resourceVersion) },
          items: this.store.list(r).filter(keep).map(view),
        }];
      }
      case 'get':
        return [200, view(this.store.get(r, route.namespace, route.name!))];
      case 'create': {
        const obj = (await this.body(req)) as Obj;
        if (!obj || typeof obj !== 'object') throw new ApiError(400, 'BadRequest', 'missing body');
        obj.metadata ??= {};
        if (r.namespaced) {
          if (obj.metadata.namespace && obj.metadata.namespace !== route.namespace) {
            throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
          }
          obj.metadata.namespace = route.namespace;
        }
        return [201, view(this.store.create(r, this.prepareCreate(r, obj)))];
      }
      case 'update': {
        const obj = (await this.body(req)) as Obj;
        if (!obj?.metadata) throw new ApiError(400, 'BadRequest', 'missing metadata');
        if (obj.metadata.name !== route.name) throw new ApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
        if (r.namespaced) obj.metadata.namespace = route.namespace;
        return [200, view(this.replace(route, obj, obj.metadata.resourceVersion))];
      }
      case 'patch': {
        const patch = (await this.body(req)) as Json;
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
        const cur = this.store.get(r, route.namespace, route.name!) as unknown as Json;
        let next: Obj;
        let expectedRV: string | undefined;
        if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
          next = mergePatch(cur, patch) as unknown as Obj;
          expectedRV = (patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
        } else if (type === 'application/json-patch+json') {
          if (!Array.isArray(patch)) throw new ApiError(400, 'BadRequest', 'a JSON patch must be an array of operations');
          try {
            next = jsonPatch(cur, patch as unknown as JsonPatchOp[]) as unknown as Obj;
          } catch (err) {
            throw new ApiError(422, 'Invalid', `the JSON patch could not be applied: ${(err as Error).message}`);
          }
        } else {
          throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${type}")`);
        }
        next.metadata.name = route.name;
        if (r.namespaced) next.metadata.namespace = route.namespace;
        return [200, view(this.replace(route, next, expectedRV))];
      }
      case 'delete':
        return [200, view(this.store.delete(r, route.namespace, route.name!))];
      default:
        throw new ApiError(405, 'MethodNotAllowed', verb);
    }
  }

  /**
   * With a status subresource, the main resource cannot change status and .../status can change
   * only status (and nothing else).
   */
  private replace(route: Route, obj: Obj, expectedRV: string | undefined): Obj {
    const { r } = route;
    const cur = this.store.get(r, route.namespace, route.name!);
    let next = obj;
    if (route.subresource === 'status') {
      next = { ...cur, status: obj.status };
      if (obj.status === undefined) delete next.status;
      // Like the real Service status strategy (it resets only spec): labels and annotations written
      // through services/status are kept. MetalLB writes ip-allocated-from-pool this way.
      if (r.group === '' && r.plural === 'services') {
        next.metadata = { ...cur.metadata, labels: obj.metadata?.labels, annotations: obj.metadata?.annotations };
        if (next.metadata.labels === undefined) delete next.metadata.labels;
        if (next.metadata.annotations === undefined) delete next.metadata.annotations;
      }
    } else if (r.statusSubresource) {
      next = { ...obj };
      if (cur.status === undefined) delete next.status;
      else next.status = cur.status;
    }
    next.kind = cur.kind;
    next.apiVersion = cur.apiVersion;
    return this.store.update(r, next, expectedRV);
  }

  private watch(route: Route, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const keep = this.selectorFilter(route, query);
    const { r, version } = route;
    const rvText = query.get('resourceVersion') ?? '';
    const rv = rvText === '' || rvText === '0' ? undefined : Number(rvText);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    const w: OpenWatch = {
      res, socket: req.socket,
      close: () => {
        unsubscribe();
        if (timer) clearTimeout(timer);
        this.watches.delete(w);
        if (!res.writableEnded) res.end();
      },
    };
    req.socket.on('close', () => w.close());
    if (rv !== undefined && (Number.isNaN(rv) || rv < this.store.oldestWatchableRV)) {
      write('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rvText} (${this.store.oldestWatchableRV})`, reason: 'Expired', code: 410 });
      res.end();
      return;
    }
    this.watches.add(w);
    const emit = (e: HistoryEvent) => {
      if (keep(e.object)) write(e.type, this.withApiVersion(structuredClone(e.object), r, version));
    };
    if (rv === undefined) {
      // No version: the current state as ADDED events, then changes (what the real server does).
      for (const o of this.store.list(r)) if (keep(o)) write('ADDED', this.withApiVersion(o, r, version));
    } else {
      for (const e of this.store.since(r, rv)) emit(e);
    }
    const key = resourceKey(r);
    unsubscribe = this.store.subscribe((e) => {
      if (e.resource === key) emit(e);
    });
    const timeout = Number(query.get('timeoutSeconds') ?? '0');
    if (timeout > 0) timer = setTimeout(() => w.close(), timeout * 1000);
  }
}
