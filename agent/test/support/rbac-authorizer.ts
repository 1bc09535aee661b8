// Kubernetes RBAC for the test API server (fake-kube-api.ts), as the API server's authorizer applies
// it: a request becomes its attributes (verb, API group, resource, namespace, name; or a
// non-resource path), and it is allowed when a rule of a Role bound in that namespace, or of a
// ClusterRole bound cluster-wide, matches them for the subject. Rules are additive; there is no
// deny. Follows the documented request-to-verb mapping (GET on a collection is list, with
// watch=true is watch; POST create; PUT update; PATCH patch; DELETE delete) and resourceNames
// (which never match a create or a list, since those name no object in the URL).
import type { RecordedRequest } from './fake-kube-api.js';

export interface RequestAttributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace: string | null;
  readonly name: string | null;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

/** Paths every authenticated client may read (system:discovery, system:public-info-viewer). */
const DISCOVERY = new Set(['/version', '/api', '/apis', '/healthz', '/livez', '/readyz']);

/** The RBAC attributes of a request, or null for a non-resource path. */
export function attributesOf(
  request: Pick<RecordedRequest, 'method' | 'path' | 'query'>,
): RequestAttributes | null {
  const parts = request.path.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, rest] = [parts[1]!, parts.slice(3)];
  else return null;
  let namespace: string | null = null;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  const [plural, name = null, subresource] = rest as [string, string?, string?];
  // A subresource is authorized as `<resource>/<subresource>` (pods/log, deployments/scale).
  const resource = subresource === undefined ? plural : `${plural}/${subresource}`;
  const verb = {
    GET: name === null ? (request.query['watch'] === 'true' ? 'watch' : 'list') : 'get',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: name === null ? 'deletecollection' : 'delete',
  }[request.method];
  if (!verb) throw new Error(`no RBAC verb for ${request.method}`);
  // `/api/v1/namespaces/<name>` is the cluster-scoped namespace object: rest is [namespaces, name].
  return { verb, group, resource, namespace, name };
}

const matches = (values: readonly string[] | undefined, value: string) =>
  (values ?? []).includes('*') || (values ?? []).includes(value);

export class RbacAuthorizer {
  readonly #clusterRules: PolicyRule[] = [];
  readonly #namespacedRules = new Map<string, PolicyRule[]>();

  /** The rules that apply to one service account, from Roles, ClusterRoles and their bindings. */
  constructor(objects: readonly unknown[], serviceAccount: { namespace: string; name: string }) {
    const rbac = objects as RbacObject[];
    const role = (kind: string, name: string, namespace?: string) =>
      rbac.find(
        (o) =>
          o.kind === kind &&
          o.metadata.name === name &&
          (namespace === undefined || o.metadata.namespace === namespace),
      );
    const bound = (b: RbacObject) =>
      (b.subjects ?? []).some(
        (s) =>
          s.kind === 'ServiceAccount' &&
          s.name === serviceAccount.name &&
          s.namespace === serviceAccount.namespace,
      );
    for (const binding of rbac.filter((o) => o.kind === 'ClusterRoleBinding' && bound(o))) {
      this.#clusterRules.push(...(role('ClusterRole', binding.roleRef!.name)?.rules ?? []));
    }
    for (const binding of rbac.filter((o) => o.kind === 'RoleBinding' && bound(o))) {
      const ns = binding.metadata.namespace!;
      const target =
        binding.roleRef!.kind === 'ClusterRole'
          ? role('ClusterRole', binding.roleRef!.name)
          : role('Role', binding.roleRef!.name, ns);
      this.#namespacedRules.set(ns, [...(this.#namespacedRules.get(ns) ?? []), ...(target?.rules ?? [])]);
    }
  }

  allows(request: Pick<RecordedRequest, 'method' | 'path' | 'query'>): boolean {
    const attrs = attributesOf(request);
    if (attrs === null) {
      if (DISCOVERY.has(request.path)) return true;
      return this.#clusterRules.some(
        (r) => matches(r.verbs, 'get') && matches(r.nonResourceURLs, request.path),
      );
    }
    const rules = [
      ...this.#clusterRules,
      ...(attrs.namespace === null ? [] : (this.#namespacedRules.get(attrs.namespace) ?? [])),
    ];
    return rules.some(
      (r) =>
        matches(r.verbs, attrs.verb) &&
        matches(r.apiGroups, attrs.group) &&
        matches(r.resources, attrs.resource) &&
        (r.resourceNames === undefined ||
          r.resourceNames.length === 0 ||
          (attrs.name !== null && r.resourceNames.includes(attrs.name))),
    );
  }
}
