// `palisade-policy preview --policies DIR --flows FILE --edit FILE [--delete KIND/[NS/]NAME]...
// [--inventory FILE] [--json]`: the impact preview offline, for CI pipelines. DIR holds the
// cluster's resources as YAML (every *.yaml/*.yml file), FILE exported flow records as JSON Lines,
// the edit file the resources to create or replace; `--delete` removes one by its key. Exit 1 when
// the edit newly denies any flow, 0 otherwise, 2 on bad input (the message names the file, line and
// field).

import { validateFlowRecord, type FlowRecord } from '@palisade/flows';
import type { PolicyResource } from '../resources/types.js';
import { resourceKey } from '../resources/resource-key.js';
import { parseResourcesYaml } from '../yaml/index.js';
import { applyEdits, type PolicyEdit } from '../preview/edits.js';
import { flowKeysOf } from '../preview/flow-keys.js';
import { previewFlows } from '../preview/preview.js';
import { previewTotals } from '../preview/preview-totals.js';
import type { PreviewInventory, PreviewedFlow } from '../preview/preview-types.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, type CommandIo } from './io.js';
import { renderTable } from './table.js';

export const PREVIEW_USAGE = `usage: palisade-policy preview --policies DIR --flows FILE --edit FILE [--delete KIND/[NS/]NAME]... [--inventory FILE] [--json]
  Replays exported flows (JSON Lines) through the policies of DIR before and after the edit, and
  classifies each: unchanged, newly denied, newly allowed, or uncertain (with the reason).
  exit codes: 0 nothing newly denied, 1 the edit newly denies a flow, 2 bad usage or input
`;

class InputError extends Error {}

interface Options {
  policies: string;
  flows: string;
  edit: string;
  deletes: string[];
  inventory: string | undefined;
  json: boolean;
}

function options(args: readonly string[]): Options {
  const values = new Map<string, string>();
  const deletes: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    const value = args[i + 1];
    if (
      !['--policies', '--flows', '--edit', '--delete', '--inventory'].includes(arg) ||
      value === undefined
    ) {
      throw new InputError(`unexpected argument ${JSON.stringify(arg)}`);
    }
    i++;
    if (arg === '--delete') deletes.push(value);
    else values.set(arg, value);
  }
  const required = (name: string): string => {
    const v = values.get(name);
    if (v === undefined) throw new InputError(`${name} is required`);
    return v;
  };
  return {
    policies: required('--policies'),
    flows: required('--flows'),
    edit: required('--edit'),
    deletes,
    inventory: values.get('--inventory'),
    json,
  };
}

function read(io: CommandIo, path: string): string {
  try {
    return io.readFile(path);
  } catch (err) {
    throw new InputError(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function list(io: CommandIo, dir: string): string[] {
  try {
    return io.listFiles(dir);
  } catch (err) {
    throw new InputError(`${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function resourcesOf(io: CommandIo, path: string): PolicyResource[] {
  const parsed = parseResourcesYaml(read(io, path));
  const first = parsed.errors[0];
  if (first) {
    const where = first.path === '' ? '(document)' : first.path;
    throw new InputError(`${path}:${first.line ?? 1}:${first.column ?? 1}: ${where}: ${first.message}`);
  }
  return parsed.documents.flatMap((d) => (d.resource ? [d.resource] : []));
}

function flowsOf(io: CommandIo, path: string): FlowRecord[] {
  const records: FlowRecord[] = [];
  read(io, path)
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new InputError(`${path}:${i + 1}: not JSON`);
      }
      // Exported records are history: no clock to be ahead of.
      const result = validateFlowRecord(value, { now: Number.MAX_SAFE_INTEGER });
      if (!result.ok) {
        const issue = result.issues[0]!;
        throw new InputError(`${path}:${i + 1}: ${issue.field || '(record)'}: ${issue.message}`);
      }
      records.push(result.record);
    });
  return records;
}

function deletion(key: string, before: readonly PolicyResource[]): PolicyEdit {
  const found = before.find((r) => resourceKey(r) === key);
  if (!found) throw new InputError(`--delete ${key}: no such resource in the policies directory`);
  return { op: 'delete', ref: found };
}

function verdict(v: PreviewedFlow['before']): string {
  return v ? v.action : '-';
}

function readable(flows: readonly PreviewedFlow[]): string {
  const changed = flows.filter((f) => f.class !== 'UNCHANGED');
  const rows = changed.map((f) => [
    f.class,
    `${f.flow.source_namespace}/${f.flow.source_name}`,
    `${f.flow.dest_namespace}/${f.flow.dest_name}`,
    `${f.flow.proto}/${f.flow.dest_port}`,
    f.flow.reporter,
    `${verdict(f.before)} -> ${verdict(f.after)}`,
    f.uncertainties.map((u) => `${u.reason}: ${u.detail} (${u.resource})`).join('; '),
  ]);
  const t = previewTotals(flows).total;
  const summary = `${flows.length} flow keys: ${t.NEWLY_DENIED} newly denied, ${t.NEWLY_ALLOWED} newly allowed, ${t.UNCERTAIN} uncertain, ${t.UNCHANGED} unchanged\n`;
  return (
    (rows.length > 0
      ? renderTable(['class', 'source', 'destination', 'port', 'reporter', 'verdict', 'why uncertain'], rows)
      : '') + summary
  );
}

export function previewCommand(args: readonly string[], io: CommandIo): number {
  let flows: PreviewedFlow[];
  let json: boolean;
  try {
    const o = options(args);
    json = o.json;
    const before = list(io, o.policies)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .flatMap((f) => resourcesOf(io, `${o.policies.replace(/\/$/, '')}/${f}`));
    const edits: PolicyEdit[] = [
      ...resourcesOf(io, o.edit).map((resource): PolicyEdit => ({ op: 'apply', resource })),
      ...o.deletes.map((key) => deletion(key, before)),
    ];
    const inventory = o.inventory === undefined ? undefined : inventoryOf(io, o.inventory);
    const { after } = applyEdits(before, edits);
    flows = previewFlows({
      before,
      after,
      flows: flowKeysOf(flowsOf(io, o.flows)),
      ...(inventory ? { inventory } : {}),
    });
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`${err.message}\n${PREVIEW_USAGE}`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
  const totals = previewTotals(flows);
  io.stdout(json ? `${JSON.stringify({ flows, totals }, null, 2)}\n` : readable(flows));
  return totals.total.NEWLY_DENIED > 0 ? EXIT_FAILED : EXIT_OK;
}

function inventoryOf(io: CommandIo, path: string): PreviewInventory {
  let value: unknown;
  try {
    value = JSON.parse(read(io, path));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${path}: not JSON`);
  }
  const shape = value as Record<string, unknown> | null;
  if (typeof shape !== 'object' || shape === null || Array.isArray(shape)) {
    throw new InputError(`${path}: expected an object with namespaces, endpoints and serviceAccounts`);
  }
  for (const field of ['namespaces', 'endpoints', 'serviceAccounts']) {
    const list = shape[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new InputError(`${path}: ${field} must be a list`);
    list.forEach((item: unknown, i) => {
      const entry = item as { name?: unknown; namespace?: unknown; ips?: unknown } | null;
      const bad =
        typeof entry !== 'object' ||
        entry === null ||
        typeof entry.name !== 'string' ||
        (field !== 'namespaces' && typeof entry.namespace !== 'string') ||
        (field === 'endpoints' && !Array.isArray(entry.ips));
      if (bad) throw new InputError(`${path}: ${field}[${i}] lacks a name, namespace or ips`);
    });
  }
  return shape;
}
