// Resources inside a scenario go through the package's resource validator, with its defaulting
// (calico-semantics §2.8), so a scenario accepts exactly what the API and the agent would; the
// first error becomes a ScenarioError naming the field.

import { validateResource } from '../resources/index.js';
import type { PolicyResource } from '../resources/types.js';
import { ScenarioError } from './scenario.js';

export function scenarioResource(raw: unknown, path: string): PolicyResource {
  const { resource, errors } = validateResource(raw);
  const first = errors[0];
  if (first) throw new ScenarioError(first.path === '' ? path : `${path}.${first.path}`, first.message);
  if (!resource) throw new ScenarioError(path, 'not a valid resource');
  return resource;
}
