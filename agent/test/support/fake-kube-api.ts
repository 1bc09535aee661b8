// A loopback stand-in for the Kubernetes API server: serves list responses, holds watch streams open
// and writes newline-delimited watch events into them on demand, answers scripted failures (410,
// 401, 403), keeps Secrets, and applies PATCH / DELETE of objects under /apis/ to the collection
// lists (so server-side apply and pruning can be observed in later lists), while recording every
// request; with `authorize` set it refuses what RBAC would (rbac-authorizer.ts), and with
// `serverSideApply` an apply merges by field ownership (server-side-apply.ts). The kubernetes
// provider and the Secret store are tested on the requests they make and the responses they handle.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { serverSideApply } from './server-side-apply.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export function status(code: number, reason: string, message: string): Reply {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
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
  /** When true, an apply PATCH merges by field ownership (server-side-apply.ts) instead of replacing. */
  serverSideApply = false;
  readonly #owners = new Map<string, Map<string, Set<string>>>();
  #objectVersion = 1000;
  readonly #watches = new Map<string, ServerResponse[]>();
  readonly #server: Server;
  #secretVersion = 1;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeKubeApi> {
    const server = createServer();
    const api = new FakeKubeApi(server);
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
    return `http://127.0.0.1:${String((this.#server.address() as AddressInfo).port)}`;
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
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
    this.requests.push(request);
    if (this.authorize && !this.authorize(request))
      return send(res, status(403, 'Forbidden', `${request.method} ${request.path} is forbidden`));
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
    if ((request.method === 'PATCH' || request.method === 'DELETE') && request.path.startsWith('/apis/')) {
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

  /** PATCH (apply: replaces the object) and DELETE of `/apis/<g>/<v>[/namespaces/<ns>]/<plural>/<name>`. */
  #object(request: RecordedRequest, res: ServerResponse): void {
    const match = /^(\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)\/([^/]+)$/.exec(request.path);
    const collection = match ? `${match[1]!}/${match[3]!}` : '';
    const list = this.lists.get(collection);
    if (!match || list === undefined) return send(res, status(404, 'NotFound', `${request.path} not found`));
    const [, , namespace, , name] = match;
    const same = (item: unknown): boolean => {
      const meta = (item as { metadata?: { name?: string; namespace?: string } }).metadata;
      return meta !== undefined && meta.name === name && meta.namespace === namespace;
    };
    const existing = list.items.find(same);
    if (request.method === 'DELETE') {
      if (existing === undefined) return send(res, status(404, 'NotFound', `${name!} not found`));
      list.items = list.items.filter((item) => !same(item));
      this.#owners.delete(request.path);
      return send(res, { status: 200, body: existing });
    }
    if (this.serverSideApply && request.contentType === 'application/apply-patch+yaml') {
      const manager = request.query['fieldManager'];
      if (!manager) return send(res, status(400, 'BadRequest', 'fieldManager is required for apply patch'));
      const result = serverSideApply(
        existing,
        this.#owners.get(request.path) ?? new Map(),
        request.body,
        manager,
        request.query['force'] === 'true',
      );
      if (!result.ok) {
        const fields = result.conflicts.map((c) => `conflict with "${c.manager}": ${c.field}`).join('\n');
        return send(
          res,
          status(409, 'Conflict', `Apply failed with ${result.conflicts.length} conflicts: ${fields}`),
        );
      }
      this.#owners.set(request.path, result.owners);
      (result.object['metadata'] as Record<string, unknown>)['resourceVersion'] = String(
        ++this.#objectVersion,
      );
      list.items = [...list.items.filter((item) => !same(item)), result.object];
      return send(res, { status: existing === undefined ? 201 : 200, body: result.object });
    }
    list.items = [...list.items.filter((item) => !same(item)), request.body];
    send(res, { status: existing === undefined ? 201 : 200, body: request.body });
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
