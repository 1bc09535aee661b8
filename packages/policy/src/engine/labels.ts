// The implicit labels Calico gives entities (calico-semantics §2.6, §2.10): the namespace's
// `kubernetes.io/metadata.name`, the `pcns.`/`pcsa.` labels inherited from the kns./ksa. profiles,
// and the pod labels `projectcalico.org/{namespace,orchestrator,serviceaccount}`.

export const LABEL_NAMESPACE = 'projectcalico.org/namespace';
export const LABEL_ORCHESTRATOR = 'projectcalico.org/orchestrator';
export const LABEL_SERVICE_ACCOUNT = 'projectcalico.org/serviceaccount';
export const LABEL_K8S_NAMESPACE_NAME = 'kubernetes.io/metadata.name';
export const PREFIX_NAMESPACE = 'pcns.';
export const PREFIX_SERVICE_ACCOUNT = 'pcsa.';
const PROFILE_NAME_LABEL = 'projectcalico.org/name';
/** Service-account names of 63+ characters are not copied into a label (§2.10). */
const MAX_SA_LABEL_NAME = 62;

export type LabelRecord = Readonly<Record<string, string>>;

export function namespaceLabels(name: string, labels: LabelRecord | undefined): Record<string, string> {
  return { ...labels, [LABEL_K8S_NAMESPACE_NAME]: name };
}

/** Labels a member inherits from the namespace profile `kns.<name>`. */
export function namespaceProfileLabels(name: string, nsLabels: LabelRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(nsLabels)) out[PREFIX_NAMESPACE + k] = v;
  out[PREFIX_NAMESPACE + PROFILE_NAME_LABEL] = name;
  return out;
}

/** Labels a member inherits from the service-account profile `ksa.<ns>.<sa>`. */
export function serviceAccountProfileLabels(
  name: string,
  saLabels: LabelRecord | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(saLabels ?? {})) out[PREFIX_SERVICE_ACCOUNT + k] = v;
  out[PREFIX_SERVICE_ACCOUNT + PROFILE_NAME_LABEL] = name;
  return out;
}

export function podOwnLabels(
  namespace: string,
  serviceAccount: string,
  labels: LabelRecord | undefined,
): Record<string, string> {
  const out: Record<string, string> = {
    ...labels,
    [LABEL_NAMESPACE]: namespace,
    [LABEL_ORCHESTRATOR]: 'k8s',
  };
  if (serviceAccount.length <= MAX_SA_LABEL_NAME) out[LABEL_SERVICE_ACCOUNT] = serviceAccount;
  return out;
}
