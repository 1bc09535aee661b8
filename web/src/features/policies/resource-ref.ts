// The API identity (kind, namespace, name) of a resource parsed in the browser, to tell "save
// this edit" from "create another resource" before anything is sent.
import { resourceKindKey, type PolicyResource } from '@palisade/policy';
import { isManagedKind, refKey } from '@palisade/policy/managed';
import type { PolicyResourceKind } from '../../generated/graphql';
import type { ResourceRef } from './api';

/** A kind the API stores (the GraphQL enum is built from the same list). */
export function isApiKind(kind: string): kind is PolicyResourceKind {
  return isManagedKind(kind);
}

export function resourceRefOf(r: PolicyResource): ResourceRef | null {
  const kind = resourceKindKey(r);
  if (!isApiKind(kind)) return null;
  return { kind, namespace: r.metadata.namespace ?? null, name: r.metadata.name };
}

export function sameRef(a: ResourceRef | null, b: ResourceRef | null): boolean {
  return a !== null && b !== null && refKey(a) === refKey(b);
}
