// CI's stand-in for `terraform fmt -check` and `terraform validate` (no Terraform binary here), plus
// Palisade's own rules: infra/terraform must parse, be formatted and pass every rule, and each rule
// is shown to catch the bad configuration under fixtures/terraform/<rule>.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HclParseError, isFormatted, loadConfig, parseHcl } from '../checks/terraform-config.js';
import {
  type Finding,
  checkAll,
  checkEncryption,
  checkIngress,
  checkPrivateData,
  checkProviders,
  checkReferences,
} from '../checks/terraform-rules.js';

const TERRAFORM = fileURLToPath(new URL('../terraform', import.meta.url));
const FIXTURES = fileURLToPath(new URL('fixtures/terraform', import.meta.url));
const fixture = (name: string) => loadConfig(join(FIXTURES, name));
/** Findings as sorted lines, so a test states them in any order. */
const messages = (findings: readonly Finding[]) => findings.map((f) => `${f.where}: ${f.message}`).sort();

/** Every HCL file of the deployment: modules' .tf and the example variables file. */
const hclFiles = readdirSync(TERRAFORM, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && (e.name.endsWith('.tf') || e.name.endsWith('.tfvars.example')))
  .map((e) => join(e.parentPath, e.name));

describe('infra/terraform', () => {
  it('has the modules of the reference deployment', () => {
    const modules = readdirSync(join(TERRAFORM, 'modules')).sort();
    expect(modules).toEqual([
      'archive',
      'edge',
      'eks',
      'kms',
      'network',
      'postgres',
      'redis',
      'registry',
      'secrets',
    ]);
  });

  it.each(hclFiles.map((f) => [f.slice(TERRAFORM.length + 1), f]))(
    '%s parses and is formatted',
    async (_, file) => {
      const source = readFileSync(file, 'utf8');
      await expect(parseHcl(file, source)).resolves.toBeTypeOf('object');
      expect(await isFormatted(source)).toBe(true);
    },
  );

  it('passes every rule', async () => {
    expect(messages(await checkAll(await loadConfig(TERRAFORM)))).toEqual([]);
  });

  it('declares every variable with a description, and validates every root variable without a safe default', async () => {
    const config = await loadConfig(TERRAFORM);
    const undescribed = [...config.modules.values()].flatMap((m) =>
      [...m.variables, ...m.outputs]
        .filter((v) => typeof v.body['description'] !== 'string')
        .map((v) => `${v.file}: ${v.address}`),
    );
    expect(undescribed).toEqual([]);
    const root = config.modules.get('.')!;
    const unvalidated = root.variables
      .filter((v) => v.body['type'] !== '${bool}' && !Array.isArray(v.body['validation']))
      .map((v) => v.address);
    expect(unvalidated).toEqual([]);
  });

  it('sets the production properties the issue names', async () => {
    const config = await loadConfig(TERRAFORM);
    const find = (type: string, name: string) =>
      [...config.modules.values()]
        .flatMap((m) => m.resources)
        .find((r) => r.type === type && r.name === name)!.body;
    const primary = find('aws_db_instance', 'primary');
    expect(primary['multi_az']).toBe(true);
    expect(find('aws_db_instance', 'replica')['replicate_source_db']).toBe(
      '${aws_db_instance.primary.identifier}',
    );
    const params = find('aws_db_parameter_group', 'this')['parameter'] as { name: string; value: string }[];
    expect(params).toContainEqual({ name: 'rds.force_ssl', value: '1' });
    const redis = find('aws_elasticache_replication_group', 'this');
    expect(redis).toMatchObject({ automatic_failover_enabled: true, multi_az_enabled: true });
    expect(redis['auth_token']).toBe('${var.auth_token}');
    const redisParams = find('aws_elasticache_parameter_group', 'this')['parameter'];
    expect(redisParams).toContainEqual({ name: 'maxmemory-policy', value: 'noeviction' });
    expect(find('aws_kms_key', 'evidence_signing')).toMatchObject({
      customer_master_key_spec: 'ECC_NIST_P256',
      key_usage: 'SIGN_VERIFY',
    });
    expect(find('aws_s3_bucket', 'this')['object_lock_enabled']).toBe(true);
    expect(find('aws_lb', 'gateway')['load_balancer_type']).toBe('network');
  });
});

describe('the checks catch', () => {
  it('a file that does not parse, with its line', async () => {
    const file = join(FIXTURES, 'unparseable/main.tf');
    const error = await parseHcl(file, readFileSync(file, 'utf8')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HclParseError);
    expect(String(error)).toMatch(/unparseable\/main\.tf.*:\d+/);
  });

  it('a file that terraform fmt would change', async () => {
    expect(await isFormatted(readFileSync(join(FIXTURES, 'unformatted/main.tf'), 'utf8'))).toBe(false);
    expect(await isFormatted(readFileSync(join(FIXTURES, 'good/main.tf'), 'utf8'))).toBe(true);
  });

  it('nothing in a configuration that is right', async () => {
    expect(messages(await checkAll(await fixture('good')))).toEqual([]);
  });

  it('references that do not resolve, and module arguments that do not match', async () => {
    const found = messages(await checkReferences(await fixture('references')));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/local\.prefix: value: var\.nmae is not declared/),
        expect.stringMatching(/aws_kms_key\.this: description: module\.child has no output "missing"/),
        expect.stringMatching(
          /aws_kms_key\.this: policy: data\.aws_iam_policy_document\.absent is not declared/,
        ),
        expect.stringMatching(/output\.key: value: aws_kms_key\.that is not declared/),
        expect.stringMatching(/module\.child: modules\/child declares no variable "colour"/),
        expect.stringMatching(/module\.child: required variable "name" of modules\/child is not set/),
      ]),
    );
    expect(found).toHaveLength(6);
  });

  it('unpinned providers and Terraform, and a provider used without being required', async () => {
    expect(messages(checkProviders(await fixture('providers')))).toEqual([
      'main.tf: random_password.db: provider "random" is not in .\'s required_providers',
      'main.tf: terraform: provider "aws" must be pinned (~> or an exact version)',
      'main.tf: terraform: required_version must bound the Terraform version from above',
    ]);
  });

  it('storage, databases, caches and secrets without KMS encryption', async () => {
    expect(messages(checkEncryption(await fixture('encryption')))).toEqual([
      'main.tf: aws_db_instance.db: kms_key_id must name a KMS key',
      'main.tf: aws_ecr_repository.api: encryption_configuration must be KMS with a kms_key',
      'main.tf: aws_elasticache_replication_group.cache: transit_encryption_enabled must be true',
      'main.tf: aws_kms_key.db: enable_key_rotation must be true',
      'main.tf: aws_s3_bucket.reports: default encryption must be aws:kms with a kms_master_key_id',
      'main.tf: aws_secretsmanager_secret.oidc: kms_key_id must name a KMS key',
    ]);
  });

  it('a public database and a cache reachable from an address range', async () => {
    expect(messages(checkPrivateData(await fixture('private-data')))).toEqual([
      'main.tf: aws_db_instance.db: publicly_accessible must be false',
      'main.tf: aws_security_group.cache: aws_elasticache_replication_group.cache is reachable from 10.0.0.0/8; allow client security groups only',
    ]);
  });

  it('internet ingress other than 443, or not on a load balancer, and a plain-HTTP listener', async () => {
    expect(messages(checkIngress(await fixture('ingress')))).toEqual([
      'main.tf: aws_lb_listener.http: an internet-facing load balancer listens on 80; only 443 is allowed',
      'main.tf: aws_vpc_security_group_ingress_rule.alb_http: internet ingress must be tcp 443 only, not tcp 80-80',
      'main.tf: aws_vpc_security_group_ingress_rule.ssh: internet ingress is allowed only on a load balancer security group',
    ]);
  });
});
