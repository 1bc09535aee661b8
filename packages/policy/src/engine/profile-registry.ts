// The implicit profiles of calico-semantics §2.10: `kns.<ns>` for each namespace (allow all,
// `pcns.*` labels), `ksa.<ns>.<sa>` for each service account (no rules, `pcsa.*` labels) and the
// built-in `projectcalico-default-allow`. Namespaces that endpoints or network sets mention
// without a declaration get a profile too, with only the implicit namespace-name label.

import type { NamespaceInput, ServiceAccountInput } from './world-input.js';
import { namespaceLabels, namespaceProfileLabels, serviceAccountProfileLabels } from './labels.js';

export interface Profile {
  readonly name: string;
  /** kns.* and projectcalico-default-allow allow everything; ksa.* and unknown profiles have no rules. */
  readonly allowAll: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

export const DEFAULT_ALLOW_PROFILE = 'projectcalico-default-allow';

export class ProfileRegistry {
  readonly profiles = new Map<string, Profile>([
    [DEFAULT_ALLOW_PROFILE, { name: DEFAULT_ALLOW_PROFILE, allowAll: true, labels: {} }],
  ]);
  private readonly serviceAccountLabels = new Map<string, Readonly<Record<string, string>> | undefined>();

  constructor(namespaces: readonly NamespaceInput[], serviceAccounts: readonly ServiceAccountInput[]) {
    for (const ns of namespaces) this.addNamespace(ns.name, ns.labels);
    for (const sa of serviceAccounts) this.serviceAccountLabels.set(`${sa.namespace}/${sa.name}`, sa.labels);
  }

  private addNamespace(name: string, labels: Readonly<Record<string, string>> | undefined): Profile {
    const profile: Profile = {
      name: `kns.${name}`,
      allowAll: true,
      labels: namespaceProfileLabels(name, namespaceLabels(name, labels)),
    };
    this.profiles.set(profile.name, profile);
    return profile;
  }

  namespace(name: string): Profile {
    return this.profiles.get(`kns.${name}`) ?? this.addNamespace(name, undefined);
  }

  serviceAccount(namespace: string, name: string): Profile {
    const key = `ksa.${namespace}.${name}`;
    let profile = this.profiles.get(key);
    if (!profile) {
      const labels = serviceAccountProfileLabels(name, this.serviceAccountLabels.get(`${namespace}/${name}`));
      this.profiles.set(key, (profile = { name: key, allowAll: false, labels }));
    }
    return profile;
  }

  /** Labels an endpoint inherits from its profiles, in order (a later profile wins a conflict). */
  inheritedLabels(names: readonly string[]): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const name of names) Object.assign(labels, this.profiles.get(name)?.labels);
    return labels;
  }
}
