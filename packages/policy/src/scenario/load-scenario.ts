// Scenario text (YAML, of which JSON is a subset) → Scenario. Isomorphic: reading the file is the
// caller's business.

import { parse } from 'yaml';
import { parseScenario } from './parse-scenario.js';
import { ScenarioError, type Scenario } from './scenario.js';

export function loadScenario(text: string): Scenario {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ScenarioError('', `not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseScenario(doc);
}
