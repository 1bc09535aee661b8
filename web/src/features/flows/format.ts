// How flow endpoints read: `pub`/`pvt` as the networks they stand for, `-` as global.
import { NAME_ALIASES, NAMESPACE_ALIASES } from '@palisade/flows';

export function nameLabel(name: string): string {
  const alias = NAME_ALIASES[name];
  return alias ? alias.charAt(0) + alias.slice(1).toLowerCase() : name;
}

export function namespaceLabel(namespace: string): string {
  return NAMESPACE_ALIASES[namespace] ?? namespace;
}

/** `namespace/name`, or the bare name of a global endpoint or network. */
export function endpointLabel(name: string, namespace: string): string {
  return namespace === '-' ? nameLabel(name) : `${namespace}/${name}`;
}
