// Errors of the policies domain, in the closed set of codes. Validation errors from
// @palisade/policy arrive with a printed path (`spec.ingress[0].action`) and, for YAML, a line and
// column: they become field issues whose path continues the GraphQL argument path
// (["input", "yaml", "spec", "ingress", 0, "action"]) and keep the line, column and printed path.
import { SelectorSyntaxError, type ValidationError } from '@palisade/policy';
import { CLUSTER_SELECTOR_ANNOTATION, refKey, type ManagedRef } from '@palisade/policy/managed';
import { AppError, type FieldIssue } from '../../platform/errors/app-error.js';

export interface PolicyFieldIssue extends FieldIssue {
  /** The field inside the resource, as @palisade/policy prints it; '' for the whole document. */
  field: string;
  line?: number;
  column?: number;
}

const SEGMENT = /^(?:\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** Inverse of @palisade/policy's formatPath. */
export function parsePrintedPath(printed: string): (string | number)[] {
  const out: (string | number)[] = [];
  let rest = printed;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) return [...out, rest];
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
    rest = rest.slice(m[0].length);
  }
  return out;
}

export function toFieldIssue(e: ValidationError, base: (string | number)[]): PolicyFieldIssue {
  const where =
    e.line !== undefined ? ` (line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''})` : '';
  return {
    path: [...base, ...parsePrintedPath(e.path)],
    field: e.path,
    message: `${e.path ? `${e.path}: ` : ''}${e.message}${where}`,
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
  };
}

export const selectorField = `metadata.annotations[${JSON.stringify(CLUSTER_SELECTOR_ANNOTATION)}]`;

export function selectorProblem(err: unknown): string {
  if (err instanceof SelectorSyntaxError) return `not a valid cluster selector: ${err.message}`;
  throw err;
}

export const PolicyErrors = {
  invalid(issues: PolicyFieldIssue[]): AppError {
    return AppError.validation(issues);
  },
  notFound(ref: ManagedRef): AppError {
    return AppError.notFound(refKey(ref));
  },
  exists(ref: ManagedRef): AppError {
    return new AppError(
      'CONFLICT',
      `${refKey(ref)} already exists; use updatePolicyResource or applyResources`,
    );
  },
  builtinTier(name: string, what: 'deleted' | 'changed'): AppError {
    return new AppError('PRECONDITION_FAILED', `the built-in tier "${name}" cannot be ${what}`);
  },
  tierInUse(name: string, count: number): AppError {
    return new AppError(
      'PRECONDITION_FAILED',
      `tier "${name}" still has ${count} ${count === 1 ? 'policy' : 'policies'}: move or delete them first`,
    );
  },
  missingTierMessage(tier: string): string {
    return `tier "${tier}" does not exist: create the Tier first (or in the same apply)`;
  },
};

/** A cluster selector that does not parse, as a field issue at `path` (with the YAML line, if any). */
export function selectorIssue(
  err: unknown,
  path: (string | number)[],
  field: string,
  line?: number,
): PolicyFieldIssue {
  return {
    path,
    field,
    message: `${field ? `${field}: ` : ''}${selectorProblem(err)}${line !== undefined ? ` (line ${line})` : ''}`,
    ...(line !== undefined ? { line } : {}),
  };
}

/** A revision number that a resource never had (from, to, or a rollback target). */
export function revisionNotFound(ref: ManagedRef, revision: number, path: (string | number)[]): AppError {
  return new AppError('NOT_FOUND', `revision ${revision} of ${refKey(ref)} not found`, [
    { path, message: 'no such revision' },
  ]);
}
