// Loads a Terraform configuration the way `terraform init` would walk it, without Terraform: every
// .tf file of the root directory is parsed with HCL's own parser (@cdktf/hcl2json, Go's hcl/v2 in
// WebAssembly), and every module called with a local `source` is loaded from its directory in turn.
// Parse errors surface with the file, line and column HCL reports. The rules (terraform-rules.ts)
// read only what this file returns.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { format } from '@cdktf/hcl-tools';
import { getReferencesInExpression, parse } from '@cdktf/hcl2json';

/** An HCL body as hcl2json gives it: attributes as JSON values (expressions as "${...}"), blocks as arrays. */
export type Body = Record<string, unknown>;

/** One labelled block (`resource "aws_s3_bucket" "x"`), with the file it came from. */
export interface Block {
  readonly file: string;
  /** `aws_s3_bucket.x`, `data.aws_region.current`, `module.kms`, `var.name`, ... */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly body: Body;
}

export interface TerraformModule {
  /** Directory relative to the configuration root ('.' for the root module). */
  readonly dir: string;
  readonly absDir: string;
  readonly files: readonly string[];
  readonly resources: readonly Block[];
  readonly data: readonly Block[];
  readonly modules: readonly Block[];
  readonly variables: readonly Block[];
  readonly outputs: readonly Block[];
  readonly locals: readonly Block[];
  /** The `terraform` blocks of every file. */
  readonly terraform: readonly (Body & { file: string })[];
}

export interface TerraformConfig {
  readonly root: string;
  readonly modules: ReadonlyMap<string, TerraformModule>;
}

export class HclParseError extends Error {
  override readonly name = 'HclParseError';
}

const blocks = (v: unknown): Body[] => (Array.isArray(v) ? (v as Body[]) : []);
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Parses one file; a syntax error becomes an HclParseError naming the file, line and column. */
export async function parseHcl(file: string, source: string): Promise<Body> {
  try {
    return await parse(file, source);
  } catch (err) {
    throw new HclParseError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `terraform fmt -check` for one file: true when the canonical formatting leaves it unchanged. */
export async function isFormatted(source: string): Promise<boolean> {
  return (await format(source)) === source;
}

export function terraformFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.tf'))
    .map((e) => join(dir, e.name))
    .sort();
}

export async function loadModule(root: string, absDir: string): Promise<TerraformModule> {
  const resources: Block[] = [];
  const data: Block[] = [];
  const modules: Block[] = [];
  const variables: Block[] = [];
  const outputs: Block[] = [];
  const locals: Block[] = [];
  const terraform: (Body & { file: string })[] = [];
  const files = terraformFiles(absDir);
  for (const path of files) {
    const file = relative(root, path) || path;
    const json = await parseHcl(file, readFileSync(path, 'utf8'));
    for (const [kind, target, prefix] of [
      ['resource', resources, ''],
      ['data', data, 'data.'],
    ] as const) {
      for (const [type, byName] of Object.entries(record(json[kind]))) {
        for (const [name, bodies] of Object.entries(record(byName))) {
          for (const body of blocks(bodies))
            target.push({ file, address: `${prefix}${type}.${name}`, type, name, body });
        }
      }
    }
    for (const [kind, target, prefix] of [
      ['module', modules, 'module.'],
      ['variable', variables, 'var.'],
      ['output', outputs, 'output.'],
    ] as const) {
      for (const [name, bodies] of Object.entries(record(json[kind]))) {
        for (const body of blocks(bodies))
          target.push({ file, address: `${prefix}${name}`, type: kind, name, body });
      }
    }
    for (const body of blocks(json['locals'])) {
      for (const [name, value] of Object.entries(body))
        locals.push({ file, address: `local.${name}`, type: 'local', name, body: { value } });
    }
    for (const body of blocks(json['terraform'])) terraform.push({ ...body, file });
  }
  return {
    dir: relative(root, absDir) || '.',
    absDir,
    files: files.map((f) => relative(root, f)),
    resources,
    data,
    modules,
    variables,
    outputs,
    locals,
    terraform,
  };
}

/** A module call's local source directory, or undefined for a registry or remote source. */
export function localSource(call: Block, from: TerraformModule): string | undefined {
  const source = call.body['source'];
  if (typeof source !== 'string' || !/^\.\.?\//.test(source)) return undefined;
  return resolve(from.absDir, source);
}

/** The root module and every module it reaches through local sources. */
export async function loadConfig(root: string): Promise<TerraformConfig> {
  const absRoot = resolve(root);
  const modules = new Map<string, TerraformModule>();
  const queue = [absRoot];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    const key = relative(absRoot, dir) || '.';
    if (modules.has(key)) continue;
    const module = await loadModule(absRoot, dir);
    modules.set(key, module);
    for (const call of module.modules) {
      const child = localSource(call, module);
      if (child) queue.push(child);
    }
  }
  return { root: absRoot, modules };
}

/** Every string in a body, with the dotted path of the attribute that holds it. */
export function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
}

/** The references (`var.x`, `aws_lb.api.arn`, ...) of one attribute value, as HCL's parser finds them. */
export async function referencesIn(file: string, value: string): Promise<string[]> {
  if (!value.includes('${')) return [];
  return (await getReferencesInExpression(file, value)).map((r) => r.value);
}
