// A report definition's specification, the one shape shared by GraphQL, Calico's GlobalReport YAML,
// the stored revisions and the runs (each run keeps the spec it was asked with). Validation lives
// here so both entry points give the same errors with the same field names; Calico's own fields
// keep their names (spec.endpoints.namespaces.names …) and Palisade's cluster selector rides in
// the same annotation policies use (palisade.io/cluster-selector).
import { parseSelector, SelectorSyntaxError } from '@palisade/policy';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { CLUSTER_SELECTOR_ANNOTATION } from '@palisade/policy/managed';
import { ScheduleError, validateSchedule } from './report-schedule.js';

/** Calico's three report types, plus Palisade's fleet encryption summary (decision 0152). */
export const REPORT_TYPES = ['inventory', 'network-access', 'policy-audit', 'encryption'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

const MAX_NAMES = 1000;
const MAX_YAML_BYTES = 256 * 1024;

export interface ReportScope {
  endpointSelector: string;
  namespaceNames: string[];
  namespaceSelector: string;
  serviceAccountNames: string[];
  serviceAccountSelector: string;
  clusterSelector: string;
}

export interface ReportSpec {
  reportType: ReportType;
  scope: ReportScope;
  schedule: string;
  suspend: boolean;
}

export interface NamedReportSpec extends ReportSpec {
  name: string;
}

export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

export class ReportSpecError extends Error {
  override readonly name = 'ReportSpecError';
  constructor(readonly issues: SpecIssue[]) {
    super(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
}

export const reportName = z
  .string()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/,
    'must be a DNS subdomain: lower-case letters, digits, - and ., starting and ending alphanumeric',
  );

const dnsLabel = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'must be a Kubernetes object name');

const selector = z
  .string()
  .max(4096, 'must be at most 4096 characters')
  .superRefine((v, ctx) => {
    if (v.trim() === '') return;
    try {
      parseSelector(v);
    } catch (err) {
      if (err instanceof SelectorSyntaxError)
        ctx.addIssue({ code: 'custom', message: `bad selector: ${err.message}` });
      else throw err;
    }
  });

const names = z
  .array(dnsLabel)
  .max(MAX_NAMES, `at most ${MAX_NAMES} names`)
  .transform((v) => [...new Set(v)].sort());

export const scopeSchema = z.object({
  endpointSelector: selector.default(''),
  namespaceNames: names.default([]),
  namespaceSelector: selector.default(''),
  serviceAccountNames: names.default([]),
  serviceAccountSelector: selector.default(''),
  clusterSelector: selector.default(''),
});

const schedule = z.string().transform((v, ctx) => {
  try {
    return validateSchedule(v);
  } catch (err) {
    if (!(err instanceof ScheduleError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
    return z.NEVER;
  }
});

export const specSchema = z.object({
  reportType: z.enum(REPORT_TYPES, {
    error: `must be one of ${REPORT_TYPES.join(', ')} (cis-benchmark is not supported)`,
  }),
  scope: scopeSchema.default({
    endpointSelector: '',
    namespaceNames: [],
    namespaceSelector: '',
    serviceAccountNames: [],
    serviceAccountSelector: '',
    clusterSelector: '',
  }),
  schedule,
  suspend: z.boolean().default(false),
});

function issuesOf(err: z.ZodError, prefix: (string | number)[]): SpecIssue[] {
  return err.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }));
}

// ── Calico's GlobalReport ────────────────────────────────────────────────────────────────────────

const globalReportSchema = z.object({
  apiVersion: z.literal('projectcalico.org/v3', { error: 'must be projectcalico.org/v3' }),
  kind: z.literal('GlobalReport', { error: 'must be GlobalReport' }),
  metadata: z.object({
    name: reportName,
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.object({
    reportType: z.string(),
    schedule: z.string({ error: 'is required' }),
    suspend: z.boolean().optional(),
    jobNodeSelector: z.record(z.string(), z.string()).optional(),
    endpoints: z
      .object({
        selector: z.string().optional(),
        namespaces: z
          .object({ names: z.array(z.string()).optional(), selector: z.string().optional() })
          .optional(),
        serviceAccounts: z
          .object({ names: z.array(z.string()).optional(), selector: z.string().optional() })
          .optional(),
      })
      .optional(),
  }),
});

/**
 * Parses a YAML stream of GlobalReport documents into specs, with issue paths naming the
 * document (its index) and Calico's field (["documents", 0, "spec", "schedule"]). Everything is
 * validated before anything is returned; `cis-benchmark` and `cis` are refused by name.
 */
export function parseGlobalReports(yamlText: string): NamedReportSpec[] {
  if (Buffer.byteLength(yamlText) > MAX_YAML_BYTES)
    throw new ReportSpecError([{ path: ['yaml'], message: `must be at most ${MAX_YAML_BYTES} bytes` }]);
  const docs = parseAllDocuments(yamlText);
  const out: NamedReportSpec[] = [];
  const issues: SpecIssue[] = [];
  const seen = new Set<string>();
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const at: (string | number)[] = ['documents', i];
    if (doc.errors.length > 0) {
      issues.push({ path: at, message: `invalid YAML: ${doc.errors[0]?.message ?? 'parse error'}` });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const r = globalReportSchema.safeParse(value);
    if (!r.success) {
      issues.push(...issuesOf(r.error, at));
      return;
    }
    const g = r.data;
    const spec = specSchema.safeParse({
      reportType: g.spec.reportType,
      schedule: g.spec.schedule,
      suspend: g.spec.suspend ?? false,
      scope: {
        endpointSelector: g.spec.endpoints?.selector ?? '',
        namespaceNames: g.spec.endpoints?.namespaces?.names ?? [],
        namespaceSelector: g.spec.endpoints?.namespaces?.selector ?? '',
        serviceAccountNames: g.spec.endpoints?.serviceAccounts?.names ?? [],
        serviceAccountSelector: g.spec.endpoints?.serviceAccounts?.selector ?? '',
        clusterSelector: g.metadata.annotations?.[CLUSTER_SELECTOR_ANNOTATION] ?? '',
      },
    });
    if (!spec.success) {
      issues.push(...issuesOf(spec.error, at).map((x) => ({ ...x, path: calicoPath(x.path, at.length) })));
      return;
    }
    if (seen.has(g.metadata.name)) {
      issues.push({ path: [...at, 'metadata', 'name'], message: `${g.metadata.name} appears twice` });
      return;
    }
    seen.add(g.metadata.name);
    out.push({ name: g.metadata.name, ...spec.data });
  });
  if (out.length === 0 && issues.length === 0)
    issues.push({ path: ['yaml'], message: 'holds no GlobalReport documents' });
  if (issues.length > 0) throw new ReportSpecError(issues);
  return out;
}

/** Renames an issue path over ReportSpec back to the GlobalReport field the user wrote. */
function calicoPath(path: (string | number)[], keep: number): (string | number)[] {
  const head = path.slice(0, keep);
  const [first, second] = path.slice(keep);
  const fields: Record<string, string[]> = {
    endpointSelector: ['spec', 'endpoints', 'selector'],
    namespaceNames: ['spec', 'endpoints', 'namespaces', 'names'],
    namespaceSelector: ['spec', 'endpoints', 'namespaces', 'selector'],
    serviceAccountNames: ['spec', 'endpoints', 'serviceAccounts', 'names'],
    serviceAccountSelector: ['spec', 'endpoints', 'serviceAccounts', 'selector'],
    clusterSelector: ['metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION],
  };
  if (first === 'scope' && typeof second === 'string')
    return [...head, ...(fields[second] ?? ['spec', second])];
  return [...head, 'spec', ...path.slice(keep)];
}

/** The definition as a GlobalReport (what exportGlobalReports and the console show). */
export function toGlobalReport(d: NamedReportSpec): Record<string, unknown> {
  const s = d.scope;
  const endpoints: Record<string, unknown> = {};
  if (s.endpointSelector) endpoints['selector'] = s.endpointSelector;
  const pair = (n: string[], sel: string) => ({
    ...(n.length ? { names: n } : {}),
    ...(sel ? { selector: sel } : {}),
  });
  if (s.namespaceNames.length || s.namespaceSelector)
    endpoints['namespaces'] = pair(s.namespaceNames, s.namespaceSelector);
  if (s.serviceAccountNames.length || s.serviceAccountSelector)
    endpoints['serviceAccounts'] = pair(s.serviceAccountNames, s.serviceAccountSelector);
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalReport',
    metadata: {
      name: d.name,
      ...(s.clusterSelector ? { annotations: { [CLUSTER_SELECTOR_ANNOTATION]: s.clusterSelector } } : {}),
    },
    spec: {
      reportType: d.reportType,
      ...(Object.keys(endpoints).length ? { endpoints } : {}),
      schedule: d.schedule,
      ...(d.suspend ? { suspend: true } : {}),
    },
  };
}

/** Validates a scope given as GraphQL input; issue paths are relative to `prefix`. */
export function parseScope(input: unknown, prefix: (string | number)[]): ReportScope {
  const r = scopeSchema.safeParse(input ?? {});
  if (!r.success) throw new ReportSpecError(issuesOf(r.error, prefix));
  return r.data;
}

/** Validates a spec given as GraphQL input; issue paths are relative to `prefix`. */
export function parseSpec(input: unknown, prefix: (string | number)[]): ReportSpec {
  const r = specSchema.safeParse(input);
  if (!r.success) throw new ReportSpecError(issuesOf(r.error, prefix));
  return r.data;
}
