// The Kubernetes manifest `kubectl apply -f <api>/v1/install/<install code>.yaml` installs: the agent's
// namespace, ServiceAccount, RBAC for exactly what it reads (namespaces, pods, service accounts,
// services, Calico's clusterinformation) and applies (Calico projectcalico.org/v3 policy kinds, networking.k8s.io NetworkPolicy,
// its own credential Secret), a Secret with the enrollment token and gateway URL, and the agent
// Deployment (one replica; the gateway's fencing makes a second replica harmless) with liveness and
// readiness probes on the agent's health port. For flows it may
// read exactly two objects Calico's operator made: Goldmane's CA bundle and the client key pair
// Goldmane trusts (decision 0050), by name, in whatever namespace Calico runs.
import { stringify } from 'yaml';

export const AGENT_NAMESPACE = 'palisade-system';
/** The agent's health endpoint (agent/src/health): the kubelet probes /healthz and /readyz there. */
export const AGENT_HEALTH_PORT = 8081;

const POLICY_VERBS = ['list', 'watch', 'create', 'patch', 'delete'];

export interface ManifestInput {
  clusterName: string;
  orgSlug: string;
  enrollmentToken: string;
  gatewayUrl: string;
  image: string;
}

export function installManifest(m: ManifestInput): string {
  const labels = { 'app.kubernetes.io/name': 'palisade-agent', 'app.kubernetes.io/part-of': 'palisade' };
  const docs = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: AGENT_NAMESPACE, labels } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'palisade-agent', namespace: AGENT_NAMESPACE, labels },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'palisade-agent', labels },
      rules: [
        // The inventory: listed, then watched (agent/src/providers/kubernetes/kubernetes-provider.ts).
        {
          apiGroups: [''],
          resources: ['namespaces', 'pods', 'serviceaccounts', 'services', 'nodes'],
          verbs: ['list', 'watch'],
        },
        // Managed policy: listed, watched for drift, applied (server-side apply, which creates an
        // absent object) and pruned. No get or update: the agent never reads one object or PUTs.
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: POLICY_VERBS },
        {
          apiGroups: ['projectcalico.org'],
          resources: [
            'tiers',
            'networkpolicies',
            'globalnetworkpolicies',
            'stagednetworkpolicies',
            'stagedglobalnetworkpolicies',
            'stagedkubernetesnetworkpolicies',
            'networksets',
            'globalnetworksets',
            'felixconfigurations',
            // Calico's API server authorizes a tiered policy as tier.<kind> too.
            'tier.networkpolicies',
            'tier.globalnetworkpolicies',
            'tier.stagednetworkpolicies',
            'tier.stagedglobalnetworkpolicies',
          ],
          verbs: POLICY_VERBS,
        },
        // ...and a tiered policy needs `get` on its tier.
        { apiGroups: ['projectcalico.org'], resources: ['tiers'], verbs: ['get'] },
        // The Calico version reported with the cluster's facts (cluster-facts.ts).
        {
          apiGroups: ['crd.projectcalico.org'],
          resources: ['clusterinformations'],
          resourceNames: ['default'],
          verbs: ['get'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'palisade-agent', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'palisade-agent' },
      subjects: [{ kind: 'ServiceAccount', name: 'palisade-agent', namespace: AGENT_NAMESPACE }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'palisade-agent-goldmane', labels },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['goldmane-ca-bundle'], verbs: ['get'] },
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: ['whisker-backend-key-pair'],
          verbs: ['get'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'palisade-agent-goldmane', labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'palisade-agent-goldmane',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'palisade-agent', namespace: AGENT_NAMESPACE }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'palisade-agent-credential', namespace: AGENT_NAMESPACE, labels },
      rules: [
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: ['palisade-agent-credential'],
          verbs: ['get', 'update'],
        },
        // create cannot be limited by name: the name is in the body, not the URL.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'palisade-agent-credential', namespace: AGENT_NAMESPACE, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'palisade-agent-credential' },
      subjects: [{ kind: 'ServiceAccount', name: 'palisade-agent', namespace: AGENT_NAMESPACE }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'palisade-agent-enrollment', namespace: AGENT_NAMESPACE, labels },
      type: 'Opaque',
      stringData: { PALISADE_ENROLLMENT_TOKEN: m.enrollmentToken, PALISADE_GATEWAY_URL: m.gatewayUrl },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'palisade-agent',
        namespace: AGENT_NAMESPACE,
        labels: { ...labels, 'palisade.io/cluster': m.clusterName },
      },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'palisade-agent' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'palisade-agent',
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'agent',
                image: m.image,
                args: ['--kubernetes', '--in-cluster'],
                envFrom: [{ secretRef: { name: 'palisade-agent-enrollment' } }],
                env: [
                  { name: 'PALISADE_CREDENTIAL_SECRET', value: 'palisade-agent-credential' },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'PALISADE_HEALTH_PORT', value: String(AGENT_HEALTH_PORT) },
                ],
                ports: [{ name: 'health', containerPort: AGENT_HEALTH_PORT, protocol: 'TCP' }],
                // Live while the process answers and the agent has not stopped; ready once the
                // tunnel is connected and the initial inventory sync was sent. Not ready while the
                // gateway is unreachable: no Service routes to the agent, so that only shows in
                // `kubectl get pods` and rollout status, and never restarts it.
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'health' },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'health' },
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 2,
                },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
  ];
  const header = `# Palisade agent for cluster "${m.clusterName}" of organisation "${m.orgSlug}".\n# The enrollment token below works until the agent has connected once with the credential it\n# obtained with it, and expires 24 hours after it was issued.\n`;
  return header + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
