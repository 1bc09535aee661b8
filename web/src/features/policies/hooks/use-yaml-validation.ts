// Validates YAML as the user types, with the same @palisade/policy code the API and the agent run.
// Uses a deferred value so typing stays responsive on big documents: React validates the latest
// text when it has a moment, never blocking a keystroke.
import { parseResourcesYaml, type PolicyResource, type ValidationError } from '@palisade/policy';
import { useDeferredValue, useMemo } from 'react';

export interface YamlValidation {
  /** Resources that validated, in document order. */
  resources: PolicyResource[];
  errors: ValidationError[];
  /** True while the shown result is for an older text than the editor's. */
  stale: boolean;
}

export function validateYaml(text: string): Omit<YamlValidation, 'stale'> {
  if (!text.trim())
    return { resources: [], errors: [{ path: '', message: 'The document is empty.', line: 1, column: 1 }] };
  const parsed = parseResourcesYaml(text);
  return {
    resources: parsed.documents.flatMap((d) => (d.resource ? [d.resource] : [])),
    errors: parsed.errors,
  };
}

export function useYamlValidation(text: string): YamlValidation {
  const deferred = useDeferredValue(text);
  const result = useMemo(() => validateYaml(deferred), [deferred]);
  return { ...result, stale: deferred !== text };
}
