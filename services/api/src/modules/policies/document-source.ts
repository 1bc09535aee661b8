// The document a single-resource mutation carries (createPolicyResource, updatePolicyResource): YAML
// text or a JSON object, parsed and validated by @palisade/policy into exactly one resource, and
// the cluster selector it ends up with. Pure: errors are VALIDATION_FAILED with the input path
// (["input", "yaml", …] or ["input", "object", …]); it must never read or write the database.
import {
  parseResourcesYaml,
  validateResource,
  type PolicyResource,
  type ValidationError,
} from '@palisade/policy';
import {
  annotatedClusterSelector,
  CLUSTER_SELECTOR_ANNOTATION,
  normaliseClusterSelector,
} from '@palisade/policy/managed';
import { PolicyErrors, selectorField, selectorIssue, toFieldIssue } from './policies.errors.js';

export type DocumentSource = { yaml: string } | { object: unknown };

/** The GraphQL argument path of the document, for error paths. */
export function sourceBase(source: DocumentSource): (string | number)[] {
  return 'yaml' in source ? ['input', 'yaml'] : ['input', 'object'];
}

/** Exactly one valid resource from a YAML text or a JSON object, or VALIDATION_FAILED. */
export function parseOne(source: DocumentSource): PolicyResource {
  const base = sourceBase(source);
  let errors: ValidationError[];
  let resource: PolicyResource | undefined;
  if ('yaml' in source) {
    const parsed = parseResourcesYaml(source.yaml);
    errors = parsed.errors;
    if (errors.length === 0 && parsed.documents.length !== 1) {
      errors = [
        {
          path: '',
          message: `must hold exactly one resource, not ${parsed.documents.length} (applyResources takes several)`,
        },
      ];
    }
    resource = parsed.documents[0]?.resource;
  } else {
    const r = validateResource(source.object);
    errors = r.errors;
    resource = r.resource;
  }
  if (errors.length > 0 || !resource) throw PolicyErrors.invalid(errors.map((e) => toFieldIssue(e, base)));
  return resource;
}

/**
 * The stored cluster selector of a written resource: the mutation's explicit selector, else the
 * document's annotation, else the current one (an omitted selector never widens a policy's reach),
 * else every cluster. Normalised; VALIDATION_FAILED when it does not parse.
 */
export function clusterSelectorFor(
  resource: PolicyResource,
  source: DocumentSource,
  explicit: string | null,
  current: { clusterSelector: string } | null,
): string {
  if (explicit !== null) {
    try {
      return normaliseClusterSelector(explicit);
    } catch (err) {
      throw PolicyErrors.invalid([selectorIssue(err, ['input', 'clusterSelector'], '')]);
    }
  }
  const annotated = annotatedClusterSelector(resource);
  if (annotated === undefined) return current?.clusterSelector ?? '';
  try {
    return normaliseClusterSelector(annotated);
  } catch (err) {
    throw PolicyErrors.invalid([
      selectorIssue(
        err,
        [...sourceBase(source), 'metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION],
        selectorField,
      ),
    ]);
  }
}
