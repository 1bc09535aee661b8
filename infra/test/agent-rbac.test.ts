// The agent's RBAC in the install manifest is exactly what its code uses, no more and no less. The
// code's Kubernetes calls are found by scanning agent/src (client-library calls and the raw
// kubeRequest methods); each is mapped below to the permissions it needs, and the manifest's rules,
// expanded to one permission per (group, resource, name, verb), must equal that set. A new call the
// table does not know fails the first test; a permission the code does not need fails the second.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLACEMENTS as POLICY_KINDS } from '../../agent/src/providers/kubernetes/policy-kinds.js';
import { installManifest } from '../../services/api/src/modules/clusters/install-manifest.js';
import { parseManifests } from '../checks/kubernetes-manifests.js';

const AGENT_SRC = fileURLToPath(new URL('../../agent/src', import.meta.url));
const CREDENTIAL_SECRET = 'palisade-agent-credential';
/** Calico kinds its API server authorizes per tier as well (`tier.<plural>`, plus `get` on the tier). */
const TIERED = new Set([
  'networkpolicies',
  'globalnetworkpolicies',
  'stagednetworkpolicies',
  'stagedglobalnetworkpolicies',
]);

/** `[namespace|*] group/resource[/name] verb` */
type Permission = string;
const perm = (scope: string, group: string, resource: string, verb: string, name?: string): Permission =>
  `${scope} ${group || 'core'}/${resource}${name ? `/${name}` : ''} ${verb}`;

const inventory = (resource: string) => [perm('*', '', resource, 'list'), perm('*', '', resource, 'watch')];
const policyVerbs = (verbs: readonly string[]) =>
  POLICY_KINDS.flatMap((k) => {
    const group = k.apiVersion.split('/')[0]!;
    const tiered = group === 'projectcalico.org' && TIERED.has(k.plural);
    return verbs.flatMap((v) => [
      perm('*', group, k.plural, v),
      ...(tiered ? [perm('*', group, `tier.${k.plural}`, v)] : []),
    ]);
  });

/** Each Kubernetes call of the agent's code, and the permissions it needs. */
const CALLS: Record<string, readonly Permission[]> = {
  'core.listNamespace': inventory('namespaces'),
  'core.listPodForAllNamespaces': inventory('pods'),
  'core.listServiceAccountForAllNamespaces': inventory('serviceaccounts'),
  'core.listServiceForAllNamespaces': inventory('services'),
  // nodes.ts: each node's WireGuard key annotation (issue 18).
  'core.listNode': inventory('nodes'),
  'core.readNamespacedSecret': [perm('palisade-system', '', 'secrets', 'get', CREDENTIAL_SECRET)],
  'core.replaceNamespacedSecret': [perm('palisade-system', '', 'secrets', 'update', CREDENTIAL_SECRET)],
  'core.createNamespacedSecret': [perm('palisade-system', '', 'secrets', 'create')],
  'makeApiClient(CustomObjectsApi).getClusterCustomObject': [
    perm('*', 'crd.projectcalico.org', 'clusterinformations', 'get', 'default'),
  ],
  // GET /version is a non-resource URL every authenticated client may read (system:discovery).
  'makeApiClient(VersionApi).getCode': [],
  // kube-policy-cluster.ts: list every policy kind, apply (server-side apply creates what is absent), prune.
  // goldmane-tls.ts reads Goldmane's CA bundle and the client key pair it borrows from Whisker
  // (decision 0050); the install manifest grants `get` on exactly those two objects.
  "kubeRequest 'GET'": [
    ...policyVerbs(['list']),
    perm('*', 'projectcalico.org', 'tiers', 'get'),
    perm('*', '', 'configmaps', 'get', 'goldmane-ca-bundle'),
    perm('*', '', 'secrets', 'get', 'whisker-backend-key-pair'),
  ],
  "kubeRequest 'PATCH'": policyVerbs(['patch', 'create']),
  "kubeRequest 'DELETE'": policyVerbs(['delete']),
  // policy-watch.ts watches every policy kind for drift.
  'new Watch': policyVerbs(['watch']),
};

function agentCalls(): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(AGENT_SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || /\.(spec|test)\.ts$/.test(entry.name)) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/\b(core|makeApiClient\(\w+\))\.(\w+)\(/g)) found.add(`${m[1]}.${m[2]}`);
    for (const m of text.matchAll(/kubeRequest\([^,]+,\s*'([A-Z]+)'/g)) found.add(`kubeRequest '${m[1]}'`);
    if (/new Watch\(/.test(text)) found.add('new Watch');
  }
  return found;
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function granted(yaml: string): Set<Permission> {
  const out = new Set<Permission>();
  for (const doc of parseManifests('install.yaml', yaml)) {
    if (doc.kind !== 'ClusterRole' && doc.kind !== 'Role') continue;
    const scope = doc.kind === 'ClusterRole' ? '*' : doc.metadata.namespace!;
    for (const rule of doc['rules'] as Rule[])
      for (const group of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs)
            for (const name of rule.resourceNames ?? [undefined])
              out.add(perm(scope, group, resource, verb, name));
  }
  return out;
}

const manifest = installManifest({
  clusterName: 'prod-eu',
  orgSlug: 'acme',
  enrollmentToken: 'pal_enr_0123456789abcdef0123456789abcdef',
  gatewayUrl: 'wss://tunnel.example.com/v1/tunnel',
  image: 'palisade/agent:0.1.0',
});

describe("the agent's RBAC", () => {
  it("knows every Kubernetes call in the agent's code", () => {
    expect([...agentCalls()].sort()).toEqual(Object.keys(CALLS).sort());
  });

  it('grants exactly the permissions those calls need', () => {
    const needed = new Set(Object.values(CALLS).flat());
    const have = granted(manifest);
    expect({
      missing: [...needed].filter((p) => !have.has(p)),
      extra: [...have].filter((p) => !needed.has(p)),
    }).toEqual({
      missing: [],
      extra: [],
    });
  });

  it('has no endpoints or endpointslices permission: the agent reads neither (service endpoints come from pods and selectors)', () => {
    expect([...granted(manifest)].filter((p) => /\/(endpoints|endpointslices)[ /]/.test(p))).toEqual([]);
    expect([...agentCalls()].filter((c) => /endpoint/i.test(c))).toEqual([]);
    const mentions: string[] = [];
    for (const entry of readdirSync(AGENT_SRC, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || /\.(spec|test)\.ts$/.test(entry.name)) continue;
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      const reads = /discovery\.k8s\.io|\/endpoints\b|\/endpointslices\b|\.(list|read|watch)\w*Endpoint\w*\(/;
      if (reads.test(text)) mentions.push(entry.name);
    }
    expect(mentions).toEqual([]);
  });

  it('catches a permission too many and one too few', () => {
    const widened = manifest.replace('- namespaces\n', '- namespaces\n      - endpoints\n');
    const narrowed = manifest.replace('- clusterinformations\n', '- clusterinformationz\n');
    expect(widened).not.toBe(manifest);
    expect(narrowed).not.toBe(manifest);
    expect([...granted(widened)].filter((p) => !granted(manifest).has(p))).toEqual([
      '* core/endpoints list',
      '* core/endpoints watch',
    ]);
    expect(granted(narrowed).has('* crd.projectcalico.org/clusterinformations/default get')).toBe(false);
  });
});
