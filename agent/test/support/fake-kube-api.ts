// A loopback stand-in for the Kubernetes API server (what it does and does not implement: decision
// 0170): serves list responses, holds watch streams open and writes newline-delimited watch events
// into them (on demand with push(), and for every change it makes to an object), answers scripted
// failures (410, 401, 403), keeps Secrets, and stores the objects under /apis/: GET of one object,
// PATCH, PUT and DELETE change the collection lists, with field management by server-side apply's
// rules (server-side-apply.ts), while recording every request. Optionally over TLS
// (`start({ tls })`), with bearer tokens authenticated (`users`: 401 for an unknown one) and
// requests authorized
// (`authorize`, e.g. rbac-authorizer.ts: 403 with the API server's Status body). The kubernetes
// provider and the Secret store are tested on the requests they make and the responses they handle.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { attributesOf } from './rbac-authorizer.js';
import { recordUpdate, serverSideApply, type Ownership } from './server-side-apply.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
  /** The authenticated user (`users`), else undefined. */
  readonly user?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** The user a ServiceAccount's token authenticates as. */
export const serviceAccountUser = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`;

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Reply {
  return {
    status: code,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details === undefined ? {} : { details }),
      code,
    },
  };
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  readonly lists = new Map<string, { items: unknown[]; resourceVersion: string }>();
  readonly secrets = new Map<string, Record<string, unknown>>();
  /** One-shot replies, by `LIST <path>` or `WATCH <path>` or `GET <path>`, used before the defaults. */
  readonly scripted = new Map<string, Reply[]>();
  /** When set, a request it refuses is answered 403 Forbidden, as by the API server's authorizer. */
  authorize: ((request: RecordedRequest) => boolean) | undefined;
  /** When set, bearer token → user; a request without a known token is answered 401. */
  users: ReadonlyMap<string, string> | undefined;
  readonly #owners = new Map<string, Ownership>();
  #objectVersion = 1000;
  readonly #watches = new Map<string, ServerResponse[]>();
  readonly #server: Server;
  #secretVersion = 1;
  #scheme = 'http';

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Over TLS when given a server key pair (its certificate must name 127.0.0.1). */
  static async start(options: { tls?: { cert: Buffer; key: Buffer } } = {}): Promise<FakeKubeApi> {
    const server = options.tls
      ? createTlsServer({ cert: options.tls.cert, key: options.tls.key })
      : createServer();
    const api = new FakeKubeApi(server);
    api.#scheme = options.tls ? 'https' : 'http';
    // Every cluster serves nodes and Calico's FelixConfigurations (the provider's node state lists
    // both); empty unless a test sets them.
    api.setList('/api/v1/nodes', [], '1');
    api.setList('/apis/projectcalico.org/v3/felixconfigurations', [], '1');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void api.#handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return api;
  }

  get url(): string {
    return `${this.#scheme}://127.0.0.1:${String((this.#server.address() as AddressInfo).port)}`;
  }

  kubeConfig(): KubeConfig {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'agent', token: 'test-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'agent' }],
      currentContext: 'fake',
    });
    return config;
  }

  setList(path: string, items: unknown[], resourceVersion: string): void {
    this.lists.set(path, { items, resourceVersion });
  }

  script(key: string, ...replies: Reply[]): void {
    this.scripted.set(key, [...(this.scripted.get(key) ?? []), ...replies]);
  }

  /** Writes one watch event to every open watch of `path`. */
  push(path: string, type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR' | 'BOOKMARK', object: unknown): void {
    for (const res of this.#watches.get(path) ?? []) res.write(`${JSON.stringify({ type, object })}\n`);
  }

  openWatches(path: string): number {
    return (this.#watches.get(path) ?? []).filter((r) => !r.writableEnded).length;
  }

  /** Ends the open watches of `path`, as an API server does when a watch times out. */
  endWatches(path: string): void {
    for (const res of this.#watches.get(path) ?? []) res.end();
    this.#watches.set(path, []);
  }

  watchRequests(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path && r.query['watch'] === 'true');
  }

  listRequests(path: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === 'GET' && r.path === path && r.query['watch'] === undefined,
    );
  }

  async stop(): Promise<void> {
    for (const responses of this.#watches.values()) for (const res of responses) res.end();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      user: token === undefined ? undefined : this.users?.get(token),
      userAgent: req.headers['user-agent'],
    };
    this.requests.push(request);
    if (this.users !== undefined && request.user === undefined)
      return send(res, status(401, 'Unauthorized', 'Unauthorized'));
    if (this.authorize && !this.authorize(request)) return send(res, forbidden(request));
    const watching = request.query['watch'] === 'true';
    const key = `${watching ? 'WATCH' : request.method === 'GET' && this.lists.has(request.path) ? 'LIST' : request.method} ${request.path}`;
    const scripted = this.scripted.get(key)?.shift();
    if (scripted !== undefined) return send(res, scripted);

    if (request.path === '/version')
      return send(res, { status: 200, body: { major: '1', minor: '30', gitVersion: 'v1.30.4' } });
    if (request.path === '/apis/crd.projectcalico.org/v1/clusterinformations/default') {
      return send(res, {
        status: 200,
        body: {
          apiVersion: 'crd.projectcalico.org/v1',
          kind: 'ClusterInformation',
          metadata: { name: 'default' },
          spec: { calicoVersion: 'v3.29.1' },
        },
      });
    }
    const secret = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(request.path);
    if (secret) return this.#secret(request, secret[1]!, secret[2], res);
    if (request.path.startsWith('/apis/') && OBJECT_PATH.test(request.path) && !watching) {
      return this.#object(request, res);
    }
    const list = this.lists.get(request.path);
    if (list === undefined) return send(res, status(404, 'NotFound', `${request.path} not found`));
    if (!watching) {
      return send(res, {
        status: 200,
        body: {
          kind: 'List',
          apiVersion: 'v1',
          metadata: { resourceVersion: list.resourceVersion },
          items: list.items,
        },
      });
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    this.#watches.set(request.path, [
      ...(this.#watches.get(request.path) ?? []).filter((r) => !r.writableEnded),
      res,
    ]);
  }

  /**
   * GET, PATCH (server-side apply, or a JSON merge patch), PUT and DELETE of
   * `/apis/<g>/<v>[/namespaces/<ns>]/<plural>/<name>`, on the collection list.
   */
  #object(request: RecordedRequest, res: ServerResponse): void {
    const match = OBJECT_PATH.exec(request.path);
    const collection = match ? `${match[1]!}/${match[3]!}` : '';
    const list = this.lists.get(collection);
    if (!match || list === undefined) return send(res, status(404, 'NotFound', `${request.path} not found`));
    const [, , namespace, plural, name] = match as unknown as [
      string,
      string,
      string | undefined,
      string,
      string,
    ];
    const same = (item: unknown): boolean => {
      const meta = (item as { metadata?: { name?: string; namespace?: string } }).metadata;
      return meta !== undefined && meta.name === name && meta.namespace === namespace;
    };
    const existing = list.items.find(same);
    const notFound = () =>
      send(res, status(404, 'NotFound', `${plural} "${name}" not found`, { name, kind: plural }));
    if (request.method === 'GET')
      return existing === undefined ? notFound() : send(res, { status: 200, body: existing });
    if (request.method === 'DELETE') {
      if (existing === undefined) return notFound();
      list.items = list.items.filter((item) => !same(item));
      this.#owners.delete(request.path);
      this.#changed(collection, namespace, 'DELETED', existing);
      return send(res, { status: 200, body: existing });
    }
    const body = request.body as
      { metadata?: { name?: string; namespace?: string; resourceVersion?: string } } | undefined;
    if (body?.metadata?.name !== undefined && body.metadata.name !== name)
      return send(
        res,
        status(
          400,
          'BadRequest',
          `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
        ),
      );
    const owners = this.#owners.get(request.path) ?? new Map();
    let result: { object: Record<string, unknown>; owners: Ownership };
    if (request.method === 'PATCH' && request.contentType === 'application/apply-patch+yaml') {
      const manager = request.query['fieldManager'];
      if (!manager)
        return send(
          res,
          status(
            400,
            'BadRequest',
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          ),
        );
      // Creating through an apply needs `create` as well as `patch`.
      if (existing === undefined && this.authorize) {
        const create = {
          ...request,
          method: 'POST',
          path: request.path.slice(0, request.path.lastIndexOf('/')),
        };
        if (!this.authorize(create)) return send(res, forbidden(create));
      }
      const applied = serverSideApply(
        existing,
        owners,
        request.body,
        manager,
        request.query['force'] === 'true',
      );
      if (!applied.ok) {
        const fields = applied.conflicts.map((c) => `conflict with "${c.manager}": ${c.field}`);
        const many =
          applied.conflicts.length === 1 ? '1 conflict' : `${String(applied.conflicts.length)} conflicts`;
        return send(
          res,
          status(409, 'Conflict', `Apply failed with ${many}: ${fields.join('\n')}`, {
            name,
            kind: plural,
            causes: applied.conflicts.map((c) => ({
              reason: 'FieldManagerConflict',
              message: `conflict with "${c.manager}"`,
              field: c.field,
            })),
          }),
        );
      }
      result = applied;
    } else if (request.method === 'PATCH' || request.method === 'PUT') {
      if (existing === undefined) return notFound();
      const current = (existing as { metadata: { resourceVersion?: string } }).metadata.resourceVersion;
      if (
        request.method === 'PUT' &&
        body?.metadata?.resourceVersion !== undefined &&
        body.metadata.resourceVersion !== current
      )
        return send(
          res,
          status(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          ),
        );
      if (request.method === 'PATCH' && request.contentType !== 'application/merge-patch+json')
        return send(
          res,
          status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/apply-patch+yaml`,
          ),
        );
      const updated = request.method === 'PUT' ? request.body : mergePatch(existing, request.body);
      result = recordUpdate(
        existing,
        owners,
        updated,
        request.query['fieldManager'] ?? managerOf(request.userAgent),
      );
    } else {
      return send(
        res,
        status(405, 'MethodNotAllowed', `${request.method} is not supported on ${request.path}`),
      );
    }
    const meta = result.object['metadata'] as Record<string, unknown>;
    const previous = (existing as { metadata?: Record<string, unknown> } | undefined)?.metadata;
    meta['uid'] = previous?.['uid'] ?? `uid-${String(++this.#objectVersion)}`;
    meta['creationTimestamp'] = previous?.['creationTimestamp'] ?? new Date().toISOString();
    // A write that changes nothing (the same fields, values and owners) is not a write.
    const unchanged =
      existing !== undefined && isDeepStrictEqual(withoutVolatile(existing), withoutVolatile(result.object));
    if (unchanged) return send(res, { status: 200, body: existing });
    this.#owners.set(request.path, result.owners);
    meta['resourceVersion'] = String(++this.#objectVersion);
    list.items =
      existing === undefined
        ? [...list.items, result.object]
        : list.items.map((item) => (same(item) ? result.object : item));
    this.#changed(collection, namespace, existing === undefined ? 'ADDED' : 'MODIFIED', result.object);
    send(res, { status: existing === undefined ? 201 : 200, body: result.object });
  }

  /** A stored object changed: the list's resourceVersion moves and every watch of it hears. */
  #changed(
    collection: string,
    namespace: string | undefined,
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    object: unknown,
  ): void {
    const list = this.lists.get(collection)!;
    list.resourceVersion = String(++this.#objectVersion);
    const event = type === 'DELETED' ? withResourceVersion(object, list.resourceVersion) : object;
    this.push(collection, type, event);
    if (namespace !== undefined) {
      const [prefix, plural] = [
        collection.slice(0, collection.lastIndexOf('/')),
        collection.slice(collection.lastIndexOf('/') + 1),
      ];
      this.push(`${prefix}/namespaces/${namespace}/${plural}`, type, event);
    }
  }

  #secret(request: RecordedRequest, namespace: string, name: string | undefined, res: ServerResponse): void {
    if (request.method === 'GET' && name !== undefined) {
      const found = this.secrets.get(`${namespace}/${name}`);
      return send(
        res,
        found ? { status: 200, body: found } : status(404, 'NotFound', `secrets "${name}" not found`),
      );
    }
    const body = request.body as { metadata?: { name?: string; resourceVersion?: string } };
    const key = `${namespace}/${name ?? body.metadata?.name ?? ''}`;
    if (request.method === 'POST') {
      if (this.secrets.has(key)) return send(res, status(409, 'AlreadyExists', 'exists'));
    } else if (request.method === 'PUT') {
      const current = this.secrets.get(key) as { metadata: { resourceVersion: string } } | undefined;
      if (!current) return send(res, status(404, 'NotFound', 'not found'));
      if (body.metadata?.resourceVersion !== current.metadata.resourceVersion)
        return send(res, status(409, 'Conflict', 'stale resourceVersion'));
    } else {
      return send(res, status(405, 'MethodNotAllowed', 'no'));
    }
    const stored = {
      ...(request.body as object),
      metadata: { ...body.metadata, resourceVersion: String(++this.#secretVersion) },
    };
    this.secrets.set(key, stored);
    send(res, { status: request.method === 'POST' ? 201 : 200, body: stored });
  }
}

const OBJECT_PATH = /^(\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)\/([^/]+)$/;

/** The Status body of a refusal by the authorizer, worded as the API server words it. */
export function forbidden(request: RecordedRequest): Reply {
  const user = request.user ?? 'system:anonymous';
  const attrs = attributesOf(request);
  if (attrs === null)
    return status(
      403,
      'Forbidden',
      `forbidden: User "${user}" cannot ${request.method.toLowerCase()} path "${request.path}"`,
    );
  const scope = attrs.namespace === null ? 'at the cluster scope' : `in the namespace "${attrs.namespace}"`;
  const subject =
    attrs.name === null || attrs.verb === 'create' ? attrs.resource : `${attrs.resource} "${attrs.name}"`;
  return status(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${attrs.verb} resource "${attrs.resource}" in API group "${attrs.group}" ${scope}`,
    {
      ...(attrs.name === null || attrs.verb === 'create' ? {} : { name: attrs.name }),
      group: attrs.group,
      kind: attrs.resource,
    },
  );
}

/** The field manager of an Update that names none: the user agent's program name, as the API server derives it. */
function managerOf(userAgent: string | undefined): string {
  return (userAgent ?? 'unknown').split('/')[0]!.slice(0, 128) || 'unknown';
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The object without what changes on every write (resourceVersion, managedFields' times). */
function withoutVolatile(object: unknown): unknown {
  const o = structuredClone(object) as {
    metadata?: { resourceVersion?: string; managedFields?: { time?: string }[] };
  };
  delete o.metadata?.resourceVersion;
  for (const entry of o.metadata?.managedFields ?? []) delete entry.time;
  return o;
}

function withResourceVersion(object: unknown, resourceVersion: string): unknown {
  const o = structuredClone(object) as { metadata: Record<string, unknown> };
  o.metadata['resourceVersion'] = resourceVersion;
  return o;
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(reply.body));
}

export function pod(
  namespace: string,
  name: string,
  options: {
    labels?: Record<string, string>;
    ip?: string;
    ready?: boolean;
    phase?: string;
    hostNetwork?: boolean;
    node?: string;
    serviceAccount?: string;
    rv?: string;
  } = {},
): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace,
      name,
      labels: options.labels ?? {},
      resourceVersion: options.rv ?? '1',
      uid: `${namespace}-${name}`,
    },
    spec: {
      nodeName: options.node ?? 'node-1',
      serviceAccountName: options.serviceAccount ?? 'default',
      hostNetwork: options.hostNetwork ?? false,
      containers: [
        { name: 'main', image: 'x', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
      ],
    },
    status: {
      phase: options.phase ?? 'Running',
      ...(options.ip === undefined ? {} : { podIP: options.ip, podIPs: [{ ip: options.ip }] }),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}, rv = '1'): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels }, resourceVersion: rv },
  };
}

export function serviceAccount(namespace: string, name: string): unknown {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace, name, resourceVersion: '1' } };
}

export function service(
  namespace: string,
  name: string,
  selector: Record<string, string> | undefined,
  clusterIP: string,
): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name, resourceVersion: '1' },
    spec: {
      ...(selector === undefined ? {} : { selector }),
      clusterIP,
      clusterIPs: [clusterIP],
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
