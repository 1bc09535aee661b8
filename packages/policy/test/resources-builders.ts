// Small builders for raw (unvalidated) resource documents used by the resource and YAML tests.

import { validateResource, type ValidationError } from '../src/resources/index.js';

export type Raw = Record<string, unknown>;

export const np = (spec: Raw = {}, metadata: Raw = {}): Raw => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'prod', ...metadata },
  spec,
});

export const gnp = (spec: Raw = {}, metadata: Raw = {}): Raw => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'GlobalNetworkPolicy',
  metadata: { name: 'p', ...metadata },
  spec,
});

export const knp = (spec: Raw = { podSelector: {} }, metadata: Raw = {}): Raw => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'prod', ...metadata },
  spec,
});

export const calico = (kind: string, spec: Raw | undefined, metadata: Raw): Raw => ({
  apiVersion: 'projectcalico.org/v3',
  kind,
  metadata,
  ...(spec === undefined ? {} : { spec }),
});

export const ingressRule = (rule: Raw): Raw => np({ ingress: [rule] });
export const egressRule = (rule: Raw): Raw => np({ egress: [rule] });

/** Errors without line/column, for compact assertions. */
export function errorsOf(doc: unknown): Pick<ValidationError, 'path' | 'message'>[] {
  return validateResource(doc).errors.map(({ path, message }) => ({ path, message }));
}
