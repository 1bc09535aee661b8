// The agent installed as the API's install manifest says, end to end, with every Palisade component
// real and run as its own process (the API, the cluster gateway, the agent in `--kubernetes
// --in-cluster` mode), PostgreSQL, Redis and the dev OIDC provider; the only stand-in is the
// Kubernetes API server, which cannot be installed here (agent/test/support/fake-kube-api.ts,
// decision 0170): over TLS on loopback with a test CA, authenticating bearer tokens, enforcing the
// manifest's RBAC for the agent's ServiceAccount, and applying server-side apply's field management.
//
// The agent reads its in-cluster configuration exactly where a pod has it: the client library's
// in-cluster loader reads /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt} and the
// agent its namespace file there, so the agent runs in a private mount namespace (`unshare -m`, as
// root) where the files this test writes are mounted at that path, with KUBERNETES_SERVICE_HOST and
// KUBERNETES_SERVICE_PORT set as the kubelet sets them. Its arguments and environment come from the
// manifest's Deployment and Secret (the health port aside: pods have their own network, this host
// has one, so it gets a free port). The run: manifest → CONNECTED, ready, the Calico version known
// (the clusterinformations rule), the credential in its Secret; a policy rolled out to IN_SYNC; a
// change by another field manager reverted, with that manager's unrelated label kept.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevOidcProvider, type DevOidcProvider } from '@palisade/dev-oidc';
import { createMigratedDatabase, type TestDatabase } from '@palisade/migrations/test-databases';
import { freePort, waitFor } from '@palisade/testing';
import { collectionPath, PLACEMENTS } from '../../agent/src/providers/kubernetes/policy-kinds.js';
import { FakeKubeApi, namespace, pod, serviceAccountUser } from '../../agent/test/support/fake-kube-api.js';
import { RbacAuthorizer } from '../../agent/test/support/rbac-authorizer.js';
import { createTestPki, type TestPki } from '../../agent/test/support/test-pki.js';
import { AdminService } from '../../services/api/src/admin/admin-service.js';
import { Database } from '../../services/api/src/platform/db/database.js';
import { AGENT_NAMESPACE } from '../../services/api/src/modules/clusters/install-manifest.js';
import { parseManifests, type Manifest } from '../checks/kubernetes-manifests.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT = 120_000;
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const NETWORK_POLICIES = '/apis/networking.k8s.io/v1/networkpolicies';
const OBJECT = '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web-ingress';
const ADMIN = 'kubernetes-admin';

/** Why this machine cannot give the agent a pod's file layout, or null when it can. */
function mountNamespaceProblem(): string | null {
  try {
    execFileSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /run'], {
      stdio: 'pipe',
    });
    return null;
  } catch (error) {
    return `a private mount namespace is not available (unshare -m needs root or CAP_SYS_ADMIN): ${
      error instanceof Error ? error.message.split('\n')[0] : String(error)
    }`;
  }
}
const skipReason = mountNamespaceProblem();
if (skipReason !== null) console.warn(`agent-kubernetes-e2e skipped: ${skipReason}`);

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-ingress
  namespace: shop
  annotations:
    palisade.io/cluster-selector: "env == 'e2e'"
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: storefront
      ports:
        - protocol: TCP
          port: 8080
`;

interface StoredPolicy {
  metadata: {
    labels: Record<string, string>;
    managedFields: { manager: string; operation: string; fieldsV1: Record<string, unknown> }[];
  };
  spec: { podSelector: { matchLabels: Record<string, string> } };
}

describe.skipIf(skipReason !== null)('the agent in --kubernetes --in-cluster mode, end to end', () => {
  let db: TestDatabase;
  let adminDb: Database;
  let oidc: DevOidcProvider;
  let pki: TestPki;
  let kube: FakeKubeApi;
  let rbac: RbacAuthorizer;
  let dir: string;
  let origin: string;
  let token: string;
  let slug: string;
  let healthPort: number;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  let agent: ChildProcess | undefined;

  function run(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
    const child = spawn(command, args, {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (d: Buffer) => {
        output.push(`[${name}] ${d.toString()}`);
        if (output.length > 300) output.splice(0, output.length - 300);
      });
    children.push(child);
    return child;
  }
  const node = (name: string, args: string[], env: Record<string, string>) =>
    run(name, process.execPath, ['--enable-source-maps', '--import', './scripts/register.mjs', ...args], env);

  async function ready(url: string, what: string): Promise<void> {
    await waitFor(
      async () => (await fetch(url).catch(() => undefined))?.ok === true,
      `${what} ready at ${url}`,
      60_000,
      250,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.join('')}`);
    });
  }

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  }

  const cluster = () =>
    gql<{
      organization: {
        cluster: {
          status: string;
          provider: string | null;
          calicoVersion: string | null;
          kubernetesVersion: string | null;
          policySync: {
            status: string;
            generation: number | null;
            appliedGeneration: number | null;
            resources: { name: string; status: string; diff: unknown }[];
          };
        };
      };
    }>(
      `query($s: String!) { organization(slug: $s) { cluster(name: "prod-eu") {
        status provider calicoVersion kubernetesVersion policySync { status generation appliedGeneration resources { name status diff } } } } }`,
      { s: slug },
    ).then((d) => d.organization.cluster);

  const stored = () =>
    kube.lists
      .get(NETWORK_POLICIES)!
      .items.find((o) => (o as { metadata: { name: string } }).metadata.name === 'web-ingress') as
      StoredPolicy | undefined;

  /** One request to the test API server over its TLS, trusting the test CA. */
  function kubeCall(
    method: string,
    path: string,
    bearer: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${kube.url}${path}`,
        {
          method,
          ca: pki.ca.cert,
          headers: {
            ...headers,
            ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }),
            authorization: `Bearer ${bearer}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  /** A write as another client would make it (kubectl edit: a JSON merge patch, an Update). */
  const adminPatch = async (patch: unknown): Promise<number> =>
    (
      await kubeCall(
        'PATCH',
        OBJECT,
        `admin-${adminSecret}`,
        {
          'content-type': 'application/merge-patch+json',
          'user-agent': 'kubectl-edit/v1.30.4 (linux/amd64) kubernetes/abcdef',
        },
        patch,
      )
    ).status;
  const adminSecret = randomBytes(16).toString('hex');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-k8s-e2e-'));
    db = await createMigratedDatabase('palisade_k8s_e2e');
    adminDb = new Database(db.adminUrl, 2);
    const [apiPort, gatewayPort] = [await freePort(), await freePort()];
    healthPort = await freePort();
    origin = `http://127.0.0.1:${String(apiPort)}`;
    oidc = await startDevOidcProvider({
      port: 0,
      log: () => undefined,
      clients: [
        {
          clientId: 'palisade-k8s-e2e',
          clientSecret: 'e2e-secret',
          redirectUris: [`${origin}/auth/callback`],
          postLogoutRedirectUris: [`${origin}/`],
        },
      ],
    });
    const redisPrefix = `palisade-k8s-e2e-${randomBytes(4).toString('hex')}`;
    node('api', ['services/api/src/main.ts'], {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      PUBLIC_ORIGIN: origin,
      DATABASE_URL: db.urlAs('palisade_app'),
      DATABASE_ADMIN_URL: db.adminUrl,
      DATABASE_POOL_SIZE: '4',
      REDIS_PREFIX: redisPrefix,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: 'palisade-k8s-e2e',
      OIDC_CLIENT_SECRET: 'e2e-secret',
      OIDC_ALLOW_INSECURE_HTTP: 'true',
      GATEWAY_PUBLIC_URL: `ws://127.0.0.1:${String(gatewayPort)}/v1/tunnel`,
      LOG_LEVEL: 'warn',
    });
    node('gateway', ['services/cluster-gateway/src/main.ts'], {
      HOST: '127.0.0.1',
      PORT: String(gatewayPort),
      DATABASE_URL: db.urlAs('palisade_gateway'),
      DATABASE_POOL_SIZE: '2',
      REDIS_PREFIX: redisPrefix,
      LOG_LEVEL: 'warn',
    });

    const admin = new AdminService(adminDb);
    slug = `k8s-${randomBytes(3).toString('hex')}`;
    await admin.createOrg(slug, 'Kubernetes e2e', `owner-${slug}@example.com`);
    token = await admin.createToken(slug, 'owner', 'k8s-e2e', 3_600_000);

    pki = createTestPki();
    kube = await FakeKubeApi.start({ tls: { cert: pki.server.cert, key: pki.server.key } });
    await ready(`${origin}/readyz`, 'the API');
    await ready(`http://127.0.0.1:${String(gatewayPort)}/readyz`, 'the gateway');
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    await kube?.stop();
    pki?.remove();
    await oidc?.close();
    await adminDb?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'connects from the generated manifest, rolls a policy out to IN_SYNC and reverts drift',
    async () => {
      // 1. Register the cluster and fetch its manifest as kubectl would.
      const registered = await gql<{ registerCluster: { installCommand: string } }>(
        `mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { installCommand } }`,
        { i: { orgSlug: slug, name: 'prod-eu', labels: [{ key: 'env', value: 'e2e' }] } },
      );
      const url = /(https?:\/\/\S+\.yaml)/.exec(registered.registerCluster.installCommand)![1]!;
      const manifest = parseManifests('install.yaml', await (await fetch(url)).text());
      const find = (kind: string, name: string): Manifest => {
        const found = manifest.find((m) => m.kind === kind && m.metadata.name === name);
        if (!found) throw new Error(`the manifest has no ${kind} ${name}`);
        return found;
      };

      // 2. The cluster: what `kubectl apply` of the manifest leaves (its RBAC, enforced), a namespace
      // with pods, and every kind the agent lists served.
      const serviceAccount = find('ServiceAccount', 'palisade-agent');
      const agentUser = serviceAccountUser(serviceAccount.metadata.namespace!, serviceAccount.metadata.name);
      const agentToken = randomBytes(24).toString('base64url');
      kube.users = new Map([
        [agentToken, agentUser],
        [`admin-${adminSecret}`, ADMIN],
      ]);
      rbac = new RbacAuthorizer(manifest, {
        namespace: serviceAccount.metadata.namespace!,
        name: serviceAccount.metadata.name,
      });
      // system:masters may do anything; the agent only what its Roles and ClusterRoles grant.
      kube.authorize = (request) => request.user === ADMIN || rbac.allows(request);
      kube.setList('/api/v1/namespaces', [namespace('shop'), namespace(AGENT_NAMESPACE)], '10');
      kube.setList(
        '/api/v1/pods',
        [
          pod('shop', 'web-1', { labels: { app: 'web' }, ip: '10.0.0.5' }),
          pod('shop', 'storefront-1', { labels: { app: 'storefront' }, ip: '10.0.0.6' }),
        ],
        '11',
      );
      kube.setList('/api/v1/serviceaccounts', [], '12');
      kube.setList('/api/v1/services', [], '13');
      for (const kind of PLACEMENTS)
        if (!kube.lists.has(collectionPath(kind, null))) kube.setList(collectionPath(kind, null), [], '14');

      // 3. The pod's files, and the agent started with the Deployment's arguments and environment.
      const deployment = find('Deployment', 'palisade-agent');
      const container = (
        deployment['spec'] as {
          template: {
            spec: {
              containers: {
                args: string[];
                env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
                envFrom: { secretRef: { name: string } }[];
              }[];
            };
          };
        }
      ).template.spec.containers[0]!;
      const env: Record<string, string> = {};
      for (const source of container.envFrom)
        Object.assign(env, find('Secret', source.secretRef.name)['stringData'] as Record<string, string>);
      for (const e of container.env) {
        if (e.value !== undefined) env[e.name] = e.value;
        else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace')
          env[e.name] = deployment.metadata.namespace!;
        else throw new Error(`the test does not know how the kubelet sets ${e.name}`);
      }
      expect(env['PALISADE_ENROLLMENT_TOKEN']).toMatch(/^pen_/);
      env['PALISADE_HEALTH_PORT'] = String(healthPort);
      const accountDir = join(dir, 'serviceaccount');
      mkdirSync(accountDir);
      writeFileSync(join(accountDir, 'token'), agentToken);
      writeFileSync(join(accountDir, 'ca.crt'), pki.ca.cert);
      writeFileSync(join(accountDir, 'namespace'), deployment.metadata.namespace!);
      const kubePort = new URL(kube.url).port;
      agent = run(
        'agent',
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          `mount -t tmpfs tmpfs /run && mkdir -p ${SERVICE_ACCOUNT_DIR} && mount --bind "$0" ${SERVICE_ACCOUNT_DIR} && exec "$@"`,
          accountDir,
          process.execPath,
          '--enable-source-maps',
          '--import',
          './scripts/register.mjs',
          'agent/src/main.ts',
          ...container.args,
        ],
        {
          ...env,
          KUBERNETES_SERVICE_HOST: '127.0.0.1',
          KUBERNETES_SERVICE_PORT: kubePort,
          LOG_LEVEL: 'info',
        },
      );
      const fail = (what: string) => (error: unknown) => {
        const writes = kube.requests
          .filter((r) => r.method !== 'GET')
          .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${r.user ?? ''}`);
        throw new Error(`${what}: ${String(error)}\nwrites:\n${writes.join('\n')}\n${output.join('')}`);
      };

      // 4. Connected and ready, with what it read from the cluster.
      await waitFor(async () => (await cluster()).status === 'CONNECTED', 'CONNECTED', 90_000, 250).catch(
        fail('never connected'),
      );
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${String(healthPort)}/readyz`).catch(() => undefined))?.status ===
          200,
        'ready',
        30_000,
      ).catch(fail('never ready'));
      expect((await fetch(`http://127.0.0.1:${String(healthPort)}/healthz`)).status).toBe(200);
      expect(await cluster()).toMatchObject({
        provider: 'kubernetes',
        kubernetesVersion: 'v1.30.4',
        calicoVersion: 'v3.29.1',
      });
      // The credential went into its Secret, and the enrollment token is spent.
      expect(kube.secrets.get(`${AGENT_NAMESPACE}/palisade-agent-credential`)).toBeDefined();

      // 5. A policy rolled out: applied by the agent's field manager, IN_SYNC.
      const applied = await gql<{ applyResources: { applied: boolean } }>(
        `mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }`,
        { i: { orgSlug: slug, yaml: POLICY } },
      );
      expect(applied.applyResources.applied).toBe(true);
      await waitFor(
        async () => {
          const sync = (await cluster()).policySync;
          return (
            sync.status === 'IN_SYNC' &&
            sync.generation !== null &&
            sync.appliedGeneration === sync.generation
          );
        },
        'IN_SYNC',
        60_000,
        250,
      ).catch(fail('never IN_SYNC'));
      expect(stored()?.spec.podSelector.matchLabels).toEqual({ app: 'web' });
      expect(stored()?.metadata.managedFields.map((f) => `${f.manager}/${f.operation}`)).toEqual([
        'palisade/Apply',
      ]);

      // 6. Drift: someone edits the object (another field manager, an Update). The agent sees it
      // through its watch and reports what differs (the drift mode is report by default).
      const widen = (app: string) =>
        adminPatch({
          metadata: { labels: { team: 'payments' } },
          spec: { podSelector: { matchLabels: { app } } },
        });
      expect(await widen('everything')).toBe(200);
      const drifted = await waitFor(
        async () => {
          const sync = (await cluster()).policySync;
          return sync.status === 'DRIFTED' ? sync : undefined;
        },
        'DRIFTED',
        60_000,
        250,
      ).catch(fail('drift not reported'));
      expect(drifted.resources).toEqual([
        {
          name: 'web-ingress',
          status: 'DRIFTED',
          diff: {
            drift: 'modified',
            message: 'spec.podSelector.matchLabels.app: desired "web", found "everything"',
          },
        },
      ]);

      // 7. Revert mode: the new generation is applied (forced), which takes the field back from the
      // editor; the editor's unrelated label stays, because an apply merges. A second edit is then
      // reverted by the agent on its own, from the watch event.
      await gql(`mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { __typename } }`, {
        i: {
          orgSlug: slug,
          mode: 'REVERT',
          resource: { kind: 'KubernetesNetworkPolicy', namespace: 'shop', name: 'web-ingress' },
        },
      });
      const reverted = async (what: string) => {
        await waitFor(() => stored()?.spec.podSelector.matchLabels['app'] === 'web', what, 60_000, 100).catch(
          fail(what),
        );
        await waitFor(
          async () => (await cluster()).policySync.status === 'IN_SYNC',
          'IN_SYNC again',
          60_000,
          250,
        );
      };
      await reverted('reverted by the revert-mode generation');
      const writesBefore = kube.requests.filter((r) => r.method === 'PATCH' && r.user === agentUser).length;
      expect(await widen('anything')).toBe(200);
      await waitFor(
        () => kube.requests.filter((r) => r.method === 'PATCH' && r.user === agentUser).length > writesBefore,
        'a revert from the watch',
        60_000,
        100,
      ).catch(fail('no revert from the watch'));
      await reverted('reverted from the watch');

      const after = stored()!;
      expect(after.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade', team: 'payments' });
      const owners = Object.fromEntries(
        after.metadata.managedFields.map((f) => [`${f.manager}/${f.operation}`, f.fieldsV1]),
      );
      expect(owners['kubectl-edit/Update']).toEqual({ 'f:metadata': { 'f:labels': { 'f:team': {} } } });
      expect(owners['palisade/Apply']).toMatchObject({
        'f:spec': { 'f:podSelector': { 'f:matchLabels': { 'f:app': {} } } },
      });
      const applies = kube.requests.filter(
        (r) => r.method === 'PATCH' && r.path === OBJECT && r.user === agentUser,
      );
      expect(applies.length).toBeGreaterThanOrEqual(3);
      expect(
        applies.every(
          (r) =>
            r.query['fieldManager'] === 'palisade' &&
            r.query['force'] === 'true' &&
            r.contentType === 'application/apply-patch+yaml',
        ),
      ).toBe(true);

      // Everything the agent asked for, the manifest's RBAC allowed, and it always authenticated
      // with the ServiceAccount token it read from the pod's file.
      const mine = kube.requests.filter((r) => r.authorization === `Bearer ${agentToken}`);
      expect(mine.length).toBeGreaterThan(10);
      expect(kube.requests.filter((r) => r.user === undefined)).toEqual([]);
      expect(mine.filter((r) => !rbac.allows(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);

      // The enforcement is real: with the same token, what the manifest does not grant is refused
      // as the API server refuses it, and a token the server does not know is not a user.
      const secrets = await kubeCall('GET', `/api/v1/namespaces/${AGENT_NAMESPACE}/secrets`, agentToken);
      expect(secrets).toEqual({
        status: 403,
        body: expect.objectContaining({
          kind: 'Status',
          reason: 'Forbidden',
          message: `secrets is forbidden: User "${agentUser}" cannot list resource "secrets" in API group "" in the namespace "${AGENT_NAMESPACE}"`,
        }) as unknown,
      });
      expect((await kubeCall('GET', '/api/v1/pods', 'not-a-token')).status).toBe(401);

      // 8. Stopped as the kubelet stops it: SIGTERM, exit 0.
      const exited = new Promise<number | null>((resolve) => agent!.once('exit', (code) => resolve(code)));
      agent.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
    TIMEOUT * 2,
  );
});
