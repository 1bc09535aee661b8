// Palisade's own rules over a parsed Terraform configuration, run in CI where no Terraform binary
// (and no provider schema) is available. Each rule answers one question a reviewer of this
// deployment would ask, and names the block that fails it:
//   references   every var./local./module./data./resource reference and module argument resolves
//   providers    providers are declared where used and pinned at the root; Terraform itself is bounded
//   encryption   storage, databases, caches, secrets and cluster secrets are encrypted with a KMS key
//   private-data no database or cache is publicly accessible or reachable from an address range
//   ingress      the only ingress from the internet is TCP 443 on a load balancer
// The rules read attribute values as written: a value computed from a variable counts as set, a
// literal must be the safe one. They know the AWS resource types this deployment uses, and fail
// closed on the kinds they guard (an unknown storage resource type is not silently passed).
import {
  type Block,
  type Body,
  type TerraformConfig,
  type TerraformModule,
  localSource,
  referencesIn,
  strings,
} from './terraform-config.js';

export type RuleName = 'references' | 'providers' | 'encryption' | 'private-data' | 'ingress';

export interface Finding {
  readonly rule: RuleName;
  /** `<file>: <block address>` */
  readonly where: string;
  readonly message: string;
}

const META_ARGUMENTS = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);
const BUILTIN_ROOTS = new Set(['each', 'count', 'path', 'self', 'terraform']);
const INTERNET = new Set(['0.0.0.0/0', '::/0']);

const at = (b: Block): string => `${b.file}: ${b.address}`;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const first = (v: unknown): Body => (list(v)[0] as Body | undefined) ?? {};
const isTrue = (v: unknown): boolean => v === true || v === 'true';
const isFalse = (v: unknown): boolean => v === false || v === 'false';
/** Set to something: a literal or an expression (a reference to a key counts; an empty string does not). */
const isSet = (v: unknown): boolean =>
  typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null;
/** Whether an expression value references `address` (e.g. `aws_security_group.alb`). */
const mentions = (v: unknown, address: string): boolean =>
  [...strings(v)].some(([, s]) => new RegExp(`\\$\\{[^}]*\\b${address.replace(/\./g, '\\.')}\\b`).test(s));
const allBlocks = (m: TerraformModule): Block[] => [
  ...m.resources,
  ...m.data,
  ...m.modules,
  ...m.variables,
  ...m.outputs,
  ...m.locals,
];

function providerNames(config: TerraformConfig): Set<string> {
  const names = new Set<string>();
  for (const m of config.modules.values())
    for (const t of m.terraform)
      for (const rp of list(t['required_providers'])) for (const k of Object.keys(rp as Body)) names.add(k);
  return names;
}

function requiredProviders(m: TerraformModule): Map<string, Body> {
  const found = new Map<string, Body>();
  for (const t of m.terraform)
    for (const rp of list(t['required_providers']))
      for (const [k, v] of Object.entries(rp as Body))
        found.set(k, typeof v === 'string' ? { version: v } : (v as Body));
  return found;
}

// ---- references ----

export async function checkReferences(config: TerraformConfig): Promise<Finding[]> {
  const findings: Finding[] = [];
  const providers = providerNames(config);
  for (const m of config.modules.values()) {
    const declared = new Set(allBlocks(m).map((b) => b.address));
    const children = new Map(
      m.modules.map((call) => {
        const dir = localSource(call, m);
        return [call.name, [...config.modules.values()].find((c) => c.absDir === dir)] as const;
      }),
    );
    for (const block of allBlocks(m)) {
      const body = withoutLifecycle(block.body);
      for (const [path, value] of strings(body)) {
        for (const ref of await referencesIn(block.file, value)) {
          const problem = unresolved(ref.split('.'), declared, children, providers);
          if (problem)
            findings.push({ rule: 'references', where: at(block), message: `${path}: ${problem}` });
        }
      }
    }
    for (const call of m.modules) {
      const child = children.get(call.name);
      if (!child) continue;
      const params = new Map(child.variables.map((v) => [v.name, v.body]));
      for (const arg of Object.keys(call.body).filter((a) => !META_ARGUMENTS.has(a)))
        if (!params.has(arg))
          findings.push({
            rule: 'references',
            where: at(call),
            message: `${child.dir} declares no variable "${arg}"`,
          });
      for (const [name, body] of params)
        if (!('default' in body) && !(name in call.body))
          findings.push({
            rule: 'references',
            where: at(call),
            message: `required variable "${name}" of ${child.dir} is not set`,
          });
    }
  }
  return findings;
}

function withoutLifecycle(body: Body): Body {
  const { lifecycle: _ignored, ...rest } = body;
  return rest;
}

function unresolved(
  parts: string[],
  declared: ReadonlySet<string>,
  children: ReadonlyMap<string, TerraformModule | undefined>,
  providers: ReadonlySet<string>,
): string | undefined {
  const [head, a, b] = parts;
  if (!head || BUILTIN_ROOTS.has(head)) return undefined;
  switch (head) {
    case 'var':
    case 'local':
      return declared.has(`${head}.${a}`) ? undefined : `${head}.${a} is not declared`;
    case 'module': {
      if (!declared.has(`module.${a}`)) return `module.${a} is not declared`;
      const child = children.get(a ?? '');
      if (child && b && !child.outputs.some((o) => o.name === b)) return `module.${a} has no output "${b}"`;
      return undefined;
    }
    case 'data':
      return declared.has(`data.${a}.${b}`) ? undefined : `data.${a}.${b} is not declared`;
    default: {
      // A resource reference: the type begins with a provider's local name (aws_, random_).
      const provider = head.split('_')[0] ?? '';
      if (!head.includes('_') || !providers.has(provider)) return undefined;
      return declared.has(`${head}.${a}`) ? undefined : `${head}.${a} is not declared`;
    }
  }
}

// ---- providers ----

/** A version constraint with an upper bound: `~> 6.14`, `= 6.14.0`, `6.14.0`, `>= 6, < 7`. */
const PINNED = /~>|<|^\s*=?\s*\d+\.\d+\.\d+\s*$/;

export function checkProviders(config: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  const root = config.modules.get('.');
  if (root) {
    const where = `${root.terraform[0]?.file ?? root.files[0] ?? '.'}: terraform`;
    const version = root.terraform.map((t) => t['required_version']).find((v) => typeof v === 'string');
    if (typeof version !== 'string' || !/~>|</.test(version))
      findings.push({
        rule: 'providers',
        where,
        message: 'required_version must bound the Terraform version from above',
      });
    for (const [name, p] of requiredProviders(root))
      if (typeof p['version'] !== 'string' || !PINNED.test(p['version']))
        findings.push({
          rule: 'providers',
          where,
          message: `provider "${name}" must be pinned (~> or an exact version)`,
        });
  }
  for (const m of config.modules.values()) {
    const declared = requiredProviders(m);
    const where = `${m.terraform[0]?.file ?? m.files[0] ?? m.dir}: terraform`;
    for (const [name, p] of declared) {
      if (typeof p['source'] !== 'string')
        findings.push({ rule: 'providers', where, message: `provider "${name}" has no source` });
      if (typeof p['version'] !== 'string')
        findings.push({ rule: 'providers', where, message: `provider "${name}" has no version constraint` });
    }
    for (const block of [...m.resources, ...m.data]) {
      const provider = block.type.split('_')[0] ?? '';
      if (!declared.has(provider))
        findings.push({
          rule: 'providers',
          where: at(block),
          message: `provider "${provider}" is not in ${m.dir}'s required_providers`,
        });
    }
  }
  return findings;
}

// ---- encryption ----

type Requirement = (b: Body, m: TerraformModule, block: Block) => string | undefined;

const requireAll =
  (...reqs: Requirement[]): Requirement =>
  (b, m, block) =>
    reqs.map((r) => r(b, m, block)).find((x) => x !== undefined);
const flag =
  (attr: string): Requirement =>
  (b) =>
    isTrue(b[attr]) ? undefined : `${attr} must be true`;
const key =
  (attr: string): Requirement =>
  (b) =>
    isSet(b[attr]) ? undefined : `${attr} must name a KMS key`;

/** Resource types that store data, and what makes each encrypted with a customer-managed KMS key. */
const ENCRYPTION: Record<string, Requirement> = {
  aws_db_instance: requireAll(flag('storage_encrypted'), key('kms_key_id')),
  aws_rds_cluster: requireAll(flag('storage_encrypted'), key('kms_key_id')),
  aws_elasticache_replication_group: requireAll(
    flag('at_rest_encryption_enabled'),
    key('kms_key_id'),
    flag('transit_encryption_enabled'),
  ),
  aws_elasticache_cluster: () => 'use aws_elasticache_replication_group (encryption, failover)',
  aws_secretsmanager_secret: key('kms_key_id'),
  aws_ebs_volume: requireAll(flag('encrypted'), key('kms_key_id')),
  aws_efs_file_system: requireAll(flag('encrypted'), key('kms_key_id')),
  aws_cloudwatch_log_group: key('kms_key_id'),
  aws_ecr_repository: (b) => {
    const config = first(b['encryption_configuration']);
    return config['encryption_type'] === 'KMS' && isSet(config['kms_key'])
      ? undefined
      : 'encryption_configuration must be KMS with a kms_key';
  },
  aws_eks_cluster: (b) => {
    const config = first(b['encryption_config']);
    return list(config['resources']).includes('secrets') && isSet(first(config['provider'])['key_arn'])
      ? undefined
      : 'encryption_config must encrypt "secrets" with a KMS key_arn';
  },
  aws_launch_template: (b) => {
    const disks = list(b['block_device_mappings']).map((d) => first((d as Body)['ebs']));
    if (disks.length === 0) return 'block_device_mappings must declare the (encrypted) root volume';
    return disks.every((e) => isTrue(e['encrypted']) && isSet(e['kms_key_id']))
      ? undefined
      : 'every ebs block must set encrypted = true and a kms_key_id';
  },
  aws_kms_key: (b) => {
    const spec = b['customer_master_key_spec'];
    const symmetric = spec === undefined || spec === 'SYMMETRIC_DEFAULT';
    return !symmetric || isTrue(b['enable_key_rotation']) ? undefined : 'enable_key_rotation must be true';
  },
  aws_s3_bucket: (_b, m, block) => {
    const config = m.resources.find(
      (r) =>
        r.type === 'aws_s3_bucket_server_side_encryption_configuration' &&
        mentions(r.body['bucket'], block.address),
    );
    if (!config) return 'needs an aws_s3_bucket_server_side_encryption_configuration';
    const sse = first(first(config.body['rule'])['apply_server_side_encryption_by_default']);
    return String(sse['sse_algorithm']).startsWith('aws:kms') && isSet(sse['kms_master_key_id'])
      ? undefined
      : 'default encryption must be aws:kms with a kms_master_key_id';
  },
};

export function checkEncryption(config: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  for (const m of config.modules.values())
    for (const block of m.resources) {
      const message = ENCRYPTION[block.type]?.(block.body, m, block);
      if (message) findings.push({ rule: 'encryption', where: at(block), message });
    }
  return findings;
}

// ---- private data ----

const DATA_STORES: Record<string, string> = {
  aws_db_instance: 'vpc_security_group_ids',
  aws_rds_cluster: 'vpc_security_group_ids',
  aws_elasticache_replication_group: 'security_group_ids',
};

/** Ingress rules of the module that apply to `sg`, as [block, cidrs, referenced group] triples. */
function ingressOf(m: TerraformModule, sg: string): { block: Block; cidrs: string[]; from: Body }[] {
  const out: { block: Block; cidrs: string[]; from: Body }[] = [];
  for (const r of m.resources) {
    if (r.type === 'aws_vpc_security_group_ingress_rule' && mentions(r.body['security_group_id'], sg))
      out.push({
        block: r,
        cidrs: [r.body['cidr_ipv4'], r.body['cidr_ipv6'], r.body['prefix_list_id']].filter(isSet).map(String),
        from: r.body,
      });
    if (
      r.type === 'aws_security_group_rule' &&
      r.body['type'] === 'ingress' &&
      mentions(r.body['security_group_id'], sg)
    )
      out.push({
        block: r,
        cidrs: [...list(r.body['cidr_blocks']), ...list(r.body['ipv6_cidr_blocks'])].map(String),
        from: r.body,
      });
    if (r.type === 'aws_security_group' && `${r.type}.${r.name}` === sg)
      for (const rule of list(r.body['ingress']) as Body[])
        out.push({
          block: r,
          cidrs: [...list(rule['cidr_blocks']), ...list(rule['ipv6_cidr_blocks'])].map(String),
          from: rule,
        });
  }
  return out;
}

export function checkPrivateData(config: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  for (const m of config.modules.values()) {
    for (const block of m.resources) {
      if (block.type === 'aws_db_instance' || block.type === 'aws_rds_cluster_instance') {
        if (!isFalse(block.body['publicly_accessible']))
          findings.push({
            rule: 'private-data',
            where: at(block),
            message: 'publicly_accessible must be false',
          });
      }
      const sgAttr = DATA_STORES[block.type];
      if (!sgAttr) continue;
      const groups = m.resources.filter(
        (r) => r.type === 'aws_security_group' && mentions(block.body[sgAttr], `${r.type}.${r.name}`),
      );
      if (groups.length === 0) {
        findings.push({
          rule: 'private-data',
          where: at(block),
          message: `${sgAttr} must name a security group of this module`,
        });
        continue;
      }
      for (const sg of groups)
        for (const rule of ingressOf(m, `${sg.type}.${sg.name}`))
          if (rule.cidrs.length > 0)
            findings.push({
              rule: 'private-data',
              where: at(rule.block),
              message: `${block.address} is reachable from ${rule.cidrs.join(', ')}; allow client security groups only`,
            });
    }
  }
  return findings;
}

// ---- internet ingress ----

export function checkIngress(config: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  for (const m of config.modules.values()) {
    const balancers = m.resources.filter((r) => r.type === 'aws_lb' || r.type === 'aws_alb');
    for (const r of m.resources) {
      const open: { group: unknown; rule: Body }[] = [];
      if (
        r.type === 'aws_vpc_security_group_ingress_rule' &&
        (INTERNET.has(String(r.body['cidr_ipv4'])) || INTERNET.has(String(r.body['cidr_ipv6'])))
      )
        open.push({ group: r.body['security_group_id'], rule: r.body });
      if (
        r.type === 'aws_security_group_rule' &&
        r.body['type'] === 'ingress' &&
        [...list(r.body['cidr_blocks']), ...list(r.body['ipv6_cidr_blocks'])].some((c) =>
          INTERNET.has(String(c)),
        )
      )
        open.push({ group: r.body['security_group_id'], rule: r.body });
      if (r.type === 'aws_security_group')
        for (const rule of list(r.body['ingress']) as Body[])
          if (
            [...list(rule['cidr_blocks']), ...list(rule['ipv6_cidr_blocks'])].some((c) =>
              INTERNET.has(String(c)),
            )
          )
            open.push({ group: `\${${r.type}.${r.name}.id}`, rule });
      for (const { group, rule } of open) {
        const protocol = String(rule['ip_protocol'] ?? rule['protocol']);
        if (protocol !== 'tcp' || Number(rule['from_port']) !== 443 || Number(rule['to_port']) !== 443)
          findings.push({
            rule: 'ingress',
            where: at(r),
            message: `internet ingress must be tcp 443 only, not ${protocol} ${String(rule['from_port'])}-${String(rule['to_port'])}`,
          });
        const onBalancer = balancers.some((lb) =>
          [...strings(group)].some(([, g]) => {
            const sg = /\$\{(aws_security_group\.[\w-]+)/.exec(g)?.[1];
            return sg !== undefined && mentions(lb.body['security_groups'], sg);
          }),
        );
        if (!onBalancer)
          findings.push({
            rule: 'ingress',
            where: at(r),
            message: 'internet ingress is allowed only on a load balancer security group',
          });
      }
      if (r.type === 'aws_lb_listener' && Number(r.body['port']) !== 443) {
        const lb = balancers.find((b) => mentions(r.body['load_balancer_arn'], b.address));
        if (lb && !isTrue(lb.body['internal']))
          findings.push({
            rule: 'ingress',
            where: at(r),
            message: `an internet-facing load balancer listens on ${String(r.body['port'])}; only 443 is allowed`,
          });
      }
      if (
        r.type === 'aws_eks_cluster' &&
        list(first(r.body['vpc_config'])['public_access_cidrs']).some((c) => INTERNET.has(String(c)))
      )
        findings.push({
          rule: 'ingress',
          where: at(r),
          message: 'the Kubernetes API endpoint must not be open to the internet',
        });
    }
  }
  return findings;
}

export async function checkAll(config: TerraformConfig): Promise<Finding[]> {
  return [
    ...(await checkReferences(config)),
    ...checkProviders(config),
    ...checkEncryption(config),
    ...checkPrivateData(config),
    ...checkIngress(config),
  ];
}
