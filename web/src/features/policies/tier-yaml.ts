// Tiers as the console creates and edits them: the Calico Tier YAML the API stores, validated in
// the browser by @palisade/policy before anything is sent. Editing changes order and default
// action inside the stored document, so its annotations (the cluster selector) survive.
import { parseResourcesYaml } from '@palisade/policy';
import { Document, isMap, parseDocument } from 'yaml';

export type TierDefaultAction = 'Deny' | 'Pass';

export interface TierFields {
  name: string;
  order: string;
  defaultAction: TierDefaultAction;
}

export function newTierYaml(f: TierFields): string {
  const order = f.order.trim();
  return new Document({
    apiVersion: 'projectcalico.org/v3',
    kind: 'Tier',
    metadata: { name: f.name.trim() },
    spec: {
      ...(order === '' ? {} : { order: Number.isFinite(Number(order)) ? Number(order) : order }),
      defaultAction: f.defaultAction,
    },
  }).toString();
}

/** `yaml` (a stored Tier) with the order and default action of `f`. */
export function withTierFields(yaml: string, f: Omit<TierFields, 'name'>): string {
  const doc = parseDocument(yaml);
  if (!isMap(doc.contents)) return yaml;
  const order = f.order.trim();
  if (order === '') doc.deleteIn(['spec', 'order']);
  else doc.setIn(['spec', 'order'], Number.isFinite(Number(order)) ? Number(order) : order);
  doc.setIn(['spec', 'defaultAction'], f.defaultAction);
  return doc.toString();
}

/** Problems a save would be refused for, as "field: message" lines; empty when it validates. */
export function tierProblems(yaml: string): string[] {
  const parsed = parseResourcesYaml(yaml);
  return parsed.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
}
