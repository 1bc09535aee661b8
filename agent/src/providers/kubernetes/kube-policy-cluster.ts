// The kubernetes provider's policy objects (ManagedPolicies' PolicyCluster): listed kind by kind,
// written with server-side apply — PATCH `application/apply-patch+yaml` (JSON is YAML) with one
// field manager, `palisade`, and `force=true`, so Palisade owns the fields it sets and a conflicting
// manager's change to them is taken back on the next apply — and deleted by name. A kind the
// cluster does not serve (no Calico API server: 404) lists as empty; applying it then fails with
// the API's message, which the agent reports per resource.
import type { KubeConfig } from '@kubernetes/client-node';
import { resourceKey, type PolicyResource } from '@palisade/policy';
import { isSharedObjectKind, type KindPlacement } from '@palisade/policy/managed';
import type { ResourceRef } from '@palisade/protocol';
import type { PolicyCluster } from '../../policy/managed-policies.js';
import { failureOf, kubeRequest } from './kube-request.js';
import { PLACEMENTS, collectionPath, objectPath, placementOf } from './policy-kinds.js';

export const FIELD_MANAGER = 'palisade';
export const APPLY_PATCH_CONTENT_TYPE = 'application/apply-patch+yaml';

export class KubePolicyCluster implements PolicyCluster {
  readonly #config: KubeConfig;

  constructor(config: KubeConfig) {
    this.#config = config;
  }

  async objects(): Promise<Map<string, PolicyResource>> {
    const out = new Map<string, PolicyResource>();
    for (const kind of PLACEMENTS) {
      const path = collectionPath(kind, null);
      const response = await kubeRequest(this.#config, 'GET', path);
      if (response.status === 404) continue;
      if (response.status !== 200) throw failureOf(response, `list ${path}`);
      const items = (response.body as { items?: unknown[] } | null)?.items ?? [];
      for (const item of items) {
        const resource = asPolicyResource(kind, item);
        if (resource !== null) out.set(resourceKey(resource), resource);
      }
    }
    return out;
  }

  async write(resource: PolicyResource): Promise<void> {
    const kind = kindOf(resource.apiVersion, resource.kind);
    const ref = {
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      namespace: resource.metadata.namespace ?? null,
      name: resource.metadata.name,
    };
    const path = objectPath(kind, ref);
    const response = await kubeRequest(this.#config, 'PATCH', path, {
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
      body: resource,
      contentType: APPLY_PATCH_CONTENT_TYPE,
    });
    if (response.status !== 200 && response.status !== 201) throw failureOf(response, `apply ${path}`);
  }

  async remove(ref: ResourceRef): Promise<void> {
    const path = objectPath(kindOf(ref.apiVersion, ref.kind), ref);
    if (isSharedObjectKind(ref.kind)) return this.#release(ref, path);
    const response = await kubeRequest(this.#config, 'DELETE', path);
    if (response.status !== 200 && response.status !== 202 && response.status !== 404) {
      throw failureOf(response, `delete ${path}`);
    }
  }

  /**
   * A shared object (a FelixConfiguration) is never deleted (decision 0090): `default` holds settings of the cluster's
   * installer and operators too, and Felix falls back to its defaults without it. Pruning one applies
   * it empty with Palisade's field manager, which releases exactly the fields Palisade set (its
   * settings, the managed-by label, the drift-mode annotation) and keeps everyone else's.
   */
  async #release(ref: ResourceRef, path: string): Promise<void> {
    const response = await kubeRequest(this.#config, 'PATCH', path, {
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
      body: { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } },
      contentType: APPLY_PATCH_CONTENT_TYPE,
    });
    if (response.status !== 200 && response.status !== 201 && response.status !== 404) {
      throw failureOf(response, `release Palisade's fields of ${path}`);
    }
  }
}

function kindOf(apiVersion: string, kind: string): KindPlacement {
  const found = placementOf(apiVersion, kind);
  if (found === undefined) throw new Error(`${apiVersion} ${kind} is not a kind Palisade applies`);
  return found;
}

/** What Palisade compares of a listed object: its identity, labels, annotations and spec. */
function asPolicyResource(kind: KindPlacement, item: unknown): PolicyResource | null {
  const object = item as {
    metadata?: { name?: unknown; namespace?: unknown; labels?: unknown; annotations?: unknown };
    spec?: unknown;
  } | null;
  const name = object?.metadata?.name;
  if (typeof name !== 'string') return null;
  const namespace = object?.metadata?.namespace;
  return {
    apiVersion: kind.apiVersion,
    kind: kind.apiKind,
    metadata: {
      name,
      ...(typeof namespace === 'string' && kind.namespaced ? { namespace } : {}),
      ...(isStringMap(object?.metadata?.labels) ? { labels: object.metadata.labels } : {}),
      ...(isStringMap(object?.metadata?.annotations) ? { annotations: object.metadata.annotations } : {}),
    },
    spec: object?.spec ?? {},
  } as PolicyResource;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}
