// infra/kubernetes and the agent's install manifest, checked as CI can without a cluster: every
// object against the Kubernetes OpenAPI schemas; each Deployment's probes, resources, disruption
// budget, autoscaler and hardening; every variable of each deployable's env.ts provided; the
// gateway's idle timeout above the tunnel heartbeat; a default-deny network policy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEARTBEAT_INTERVAL_MS } from '@palisade/protocol';
import { describe, expect, it } from 'vitest';
import { installManifest } from '../../services/api/src/modules/clusters/install-manifest.js';
import { envKeys } from '../checks/env-keys.js';
import { type Manifest, loadManifests, parseManifests, validate } from '../checks/kubernetes-manifests.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const KUBERNETES = join(REPO, 'infra/kubernetes');
const manifests = loadManifests(KUBERNETES);
const fixture = (name: string) =>
  parseManifests(
    name,
    readFileSync(fileURLToPath(new URL(`fixtures/kubernetes/${name}`, import.meta.url)), 'utf8'),
  );

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

const find = (kind: string, name: string, from: readonly Manifest[] = manifests) =>
  from.find((m) => m.kind === kind && m.metadata.name === name);
const podSpec = (m: Manifest) =>
  (
    m['spec'] as {
      template: { spec: { containers: Container[]; securityContext?: Record<string, unknown> } };
    }
  ).template.spec;

/** What is wrong with the probes of a Deployment's containers: /healthz for liveness, /readyz for readiness, on a declared port. */
function probeProblems(deployment: Manifest): string[] {
  return podSpec(deployment).containers.flatMap((c) => {
    const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
    return (
      [
        ['livenessProbe', '/healthz'],
        ['readinessProbe', '/readyz'],
      ] as const
    ).flatMap(([probe, path]) => {
      const get = c[probe]?.httpGet;
      if (!get) return [`${c.name}: no ${probe}`];
      const problems: string[] = [];
      if (get.path !== path) problems.push(`${c.name}: ${probe} asks ${get.path}, not ${path}`);
      if (!ports.has(get.port)) problems.push(`${c.name}: ${probe} port ${get.port} is not a container port`);
      return problems;
    });
  });
}

/** Variables a container gets: its env entries and the keys of the ConfigMaps it takes whole. */
function provided(container: Container): Set<string> {
  const names = new Set((container.env ?? []).map((e) => e.name));
  for (const source of container.envFrom ?? []) {
    if (source.secretRef)
      throw new Error(`${container.name}: envFrom a Secret hides which keys it sets; use secretKeyRef`);
    const map = source.configMapRef && find('ConfigMap', source.configMapRef.name);
    for (const key of Object.keys((map?.['data'] as Record<string, string> | undefined) ?? {}))
      names.add(key);
  }
  return names;
}

const missing = (keys: readonly string[], containers: readonly Container[]) => {
  const all = new Set(containers.flatMap((c) => [...provided(c)]));
  return keys.filter((k) => !all.has(k));
};

const container = (kind: string, name: string) => {
  const m = find(kind, name);
  if (!m) throw new Error(`no ${kind} ${name}`);
  return podSpec(m).containers[0]!;
};

describe('the Kubernetes OpenAPI schemas', () => {
  it('accept every object of infra/kubernetes; only add-on kinds have no schema', async () => {
    const invalid: string[] = [];
    const noSchema: string[] = [];
    for (const m of manifests) {
      const result = await validate(m);
      if (result.ok === false)
        invalid.push(`${m.file} ${m.kind}/${m.metadata.name}: ${result.errors.join('; ')}`);
      if (result.ok === 'no-schema') noSchema.push(`${m.apiVersion} ${m.kind}`);
    }
    expect(invalid).toEqual([]);
    expect(new Set(noSchema)).toEqual(
      new Set(['kustomize.config.k8s.io/v1beta1 Kustomization', 'elbv2.k8s.aws/v1beta1 TargetGroupBinding']),
    );
  });

  it('accept every object of the agent install manifest the API generates', async () => {
    const yaml = installManifest({
      clusterName: 'prod-eu',
      orgSlug: 'acme',
      enrollmentToken: 'pal_enr_0123456789abcdef0123456789abcdef',
      gatewayUrl: 'wss://tunnel.palisade.example.com/v1/tunnel',
      image: 'palisade/agent:0.1.0',
    });
    const objects = parseManifests('install.yaml', yaml);
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Namespace', 'ServiceAccount', 'ClusterRole', 'Secret', 'Deployment']),
    );
    for (const o of objects) expect(await validate(o), `${o.kind}/${o.metadata.name}`).toEqual({ ok: true });
  });

  it('reject a Deployment whose field has the wrong type, naming the field', async () => {
    const [broken] = fixture('broken-api.yaml');
    const result = await validate(broken!);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.errors.join()).toMatch(
      /containers\/0\/ports\/0\/containerPort must be integer/,
    );
  });
});

describe('the workloads', () => {
  const DEPLOYMENTS = ['palisade-api', 'palisade-worker', 'palisade-gateway'];

  it.each(DEPLOYMENTS)(
    '%s probes /healthz for liveness and /readyz for readiness on its own port',
    (name) => {
      expect(probeProblems(find('Deployment', name)!)).toEqual([]);
    },
  );

  it("the agent's install Deployment probes /healthz and /readyz on the port its health endpoint listens on", () => {
    const install = parseManifests(
      'install.yaml',
      installManifest({
        clusterName: 'prod-eu',
        orgSlug: 'acme',
        enrollmentToken: 'pal_enr_0123456789abcdef0123456789abcdef',
        gatewayUrl: 'wss://tunnel.palisade.example.com/v1/tunnel',
        image: 'palisade/agent:0.1.0',
      }),
    );
    const agent = find('Deployment', 'palisade-agent', install)!;
    expect(probeProblems(agent)).toEqual([]);
    const c = podSpec(agent).containers[0]!;
    const port = c.env?.find((e) => e.name === 'PALISADE_HEALTH_PORT')?.value;
    expect(c.ports?.find((p) => p.name === c.livenessProbe?.httpGet?.port)?.containerPort).toBe(Number(port));
    expect(c.readinessProbe?.httpGet?.port).toBe(c.livenessProbe?.httpGet?.port);
  });

  it('a wrong or missing probe path is caught', () => {
    expect(probeProblems(fixture('broken-api.yaml')[0]!)).toEqual([
      'api: no livenessProbe',
      'api: readinessProbe asks /ready, not /readyz',
    ]);
  });

  it.each(DEPLOYMENTS)('%s has requests, a memory limit, a hardened context, a PDB and an HPA', (name) => {
    const deployment = find('Deployment', name)!;
    const spec = podSpec(deployment);
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of spec.containers) {
      expect(c.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources?.limits?.['memory']).toEqual(expect.any(String));
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
    const labels = (deployment['spec'] as { selector: { matchLabels: Record<string, string> } }).selector
      .matchLabels;
    const pdb = manifests.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === name);
    expect((pdb?.['spec'] as { selector: { matchLabels: unknown } }).selector.matchLabels).toEqual(labels);
    const hpa = find('HorizontalPodAutoscaler', name);
    expect(hpa?.['spec']).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name } });
  });

  it('the API and the gateway each have a Service and their own Ingress', () => {
    for (const name of ['palisade-api', 'palisade-gateway']) {
      expect(find('Service', name)).toBeDefined();
      const ingress = find('Ingress', name)!;
      const paths = (
        ingress['spec'] as { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] }
      ).rules.flatMap((r) => r.http.paths.map((p) => p.backend.service.name));
      expect(paths).toEqual([name]);
    }
  });

  it("the gateway's ingress idles out well above the tunnel heartbeat", () => {
    const annotations = find('Ingress', 'palisade-gateway')!.metadata['annotations'] as Record<
      string,
      string
    >;
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      const seconds = Number(annotations[`nginx.ingress.kubernetes.io/${key}`]);
      expect(seconds * 1000).toBeGreaterThan(3 * HEARTBEAT_INTERVAL_MS);
    }
  });

  it('a migration Job runs the admin migrate command once, without restarts', () => {
    const job = find('Job', 'palisade-migrate')!;
    const spec = podSpec(job) as ReturnType<typeof podSpec> & { restartPolicy?: string };
    expect(spec.restartPolicy).toBe('Never');
    expect((spec.containers[0] as Container & { command: string[] }).command.slice(-2)).toEqual([
      'services/api/dist/admin/admin.js',
      'migrate',
    ]);
  });

  it('the namespace denies all traffic but what a policy allows, for every workload', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'default-deny')!;
    expect(deny['spec']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const selected = policies.map(
      (p) =>
        (p['spec'] as { podSelector: { matchLabels?: Record<string, string> } }).podSelector.matchLabels?.[
          'app.kubernetes.io/name'
        ],
    );
    expect(selected).toEqual(expect.arrayContaining([...DEPLOYMENTS, 'palisade-migrate']));
  });
});

describe("every variable of each deployable's env.ts", () => {
  const apiKeys = envKeys(join(REPO, 'services/api/src/config/env.ts'));
  const gatewayKeys = envKeys(join(REPO, 'services/cluster-gateway/src/config/env.ts'));
  const api = container('Deployment', 'palisade-api');
  const worker = container('Deployment', 'palisade-worker');
  const migrate = container('Job', 'palisade-migrate');
  const gateway = container('Deployment', 'palisade-gateway');

  it('is read from the schema (the reader sees a new variable)', () => {
    expect(apiKeys).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'OIDC_ISSUER', 'PORT']));
    expect(gatewayKeys).toEqual(expect.arrayContaining(['GATEWAY_ID', 'DATABASE_URL']));
  });

  it('of the API is set for the API, the worker or the migration Job', () => {
    expect(missing(apiKeys, [api, worker, migrate])).toEqual([]);
  });

  it('of the gateway is set for the gateway', () => {
    expect(missing(gatewayKeys, [gateway])).toEqual([]);
  });

  it('a variable with no manifest entry is reported', () => {
    expect(missing([...gatewayKeys, 'GATEWAY_NEW_SETTING'], [gateway])).toEqual(['GATEWAY_NEW_SETTING']);
  });

  it('no ConfigMap sets a variable no deployable reads (a typo would be silently ignored)', () => {
    const node = ['NODE_EXTRA_CA_CERTS'];
    for (const [name, keys] of [
      ['palisade-api', apiKeys],
      ['palisade-gateway', gatewayKeys],
    ] as const) {
      const data = Object.keys(find('ConfigMap', name)!['data'] as object);
      expect(data.filter((k) => !keys.includes(k) && !node.includes(k))).toEqual([]);
    }
  });

  it('secrets go only where they are used', () => {
    const secrets = (c: Container) =>
      (c.env ?? [])
        .filter((e) => e.valueFrom?.secretKeyRef)
        .map((e) => e.name)
        .sort();
    expect(secrets(api)).toEqual([
      'DATABASE_URL',
      'EVIDENCE_KEY_ENCRYPTION_KEY',
      'METRICS_TOKEN',
      'OIDC_CLIENT_SECRET',
      'REDIS_URL',
    ]);
    expect(secrets(worker)).toEqual(['DATABASE_URL', 'EVIDENCE_KEY_ENCRYPTION_KEY', 'REDIS_URL']);
    expect(secrets(migrate)).toEqual(['DATABASE_ADMIN_URL']);
    expect(secrets(gateway)).toEqual(['DATABASE_URL', 'REDIS_URL']);
  });
});

describe('infra/kubernetes agrees with infra/terraform', () => {
  const hcl = async () => {
    const { loadConfig } = await import('../checks/terraform-config.js');
    return loadConfig(join(REPO, 'infra/terraform'));
  };

  /** Terraform's cidrsubnet for IPv4. */
  function cidrsubnet(prefix: string, newbits: number, netnum: number): string {
    const [ip, bits] = prefix.split('/') as [string, string];
    const base = ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const length = Number(bits) + newbits;
    const addr = base + netnum * 2 ** (32 - length);
    return `${[24, 16, 8, 0].map((s) => Math.floor(addr / 2 ** s) % 256).join('.')}/${length}`;
  }

  it('the network policies name the public and data subnets of the default VPC', async () => {
    const config = await hcl();
    const root = config.modules.get('.')!;
    const vpc = root.variables.find((v) => v.name === 'vpc_cidr')!.body['default'] as string;
    const network = config.modules.get('modules/network')!;
    const newbits = Number(network.locals.find((l) => l.name === 'newbits')!.body['value']);
    const publicSubnets = [0, 1, 2].map((i) => cidrsubnet(vpc, newbits, i));
    const dataSubnets = [6, 7, 8].map((i) => cidrsubnet(vpc, newbits, i));
    const blocks = (name: string, direction: 'ingress' | 'egress', port: number) =>
      (
        (
          find('NetworkPolicy', name)!['spec'] as Record<
            string,
            { to?: unknown[]; from?: unknown[]; ports: { port: number }[] }[]
          >
        )[direction] ?? []
      )
        .filter((rule) => rule.ports.some((p) => p.port === port))
        .flatMap((rule) => (rule.to ?? rule.from ?? []) as { ipBlock?: { cidr: string } }[])
        .flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []));
    expect(blocks('palisade-api', 'ingress', 3000)).toEqual(publicSubnets);
    expect(blocks('palisade-gateway', 'ingress', 3001)).toEqual(publicSubnets);
    for (const name of ['palisade-api', 'palisade-worker', 'palisade-gateway', 'palisade-migrate'])
      expect(blocks(name, 'egress', 5432), name).toEqual(dataSubnets);
  });

  it('the load balancers forward to the ports the API and gateway listen on', async () => {
    const edge = (await hcl()).modules.get('.')!.modules.find((m) => m.name === 'edge')!.body;
    expect(container('Deployment', 'palisade-api').ports?.[0]?.containerPort).toBe(edge['api_port']);
    expect(container('Deployment', 'palisade-gateway').ports?.[0]?.containerPort).toBe(edge['gateway_port']);
  });

  it('the target group bindings name existing Services and their ports', () => {
    for (const binding of manifests.filter((m) => m.kind === 'TargetGroupBinding')) {
      const ref = (binding['spec'] as { serviceRef: { name: string; port: string } }).serviceRef;
      const service = find('Service', ref.name);
      expect(service, ref.name).toBeDefined();
      expect((service!['spec'] as { ports: { name: string }[] }).ports.map((p) => p.name)).toContain(
        ref.port,
      );
    }
  });
});
