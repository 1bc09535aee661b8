// What a policy's selectors select, as the form shows it: in words (an empty selector is not
// silently "everything"), and which endpoints that is per cluster, from each cluster's inventory.
export interface SelectionScope {
  kind: string;
  namespace: string;
  selector: string;
  namespaceSelector: string;
}

const GLOBAL_KINDS = new Set(['GlobalNetworkPolicy', 'StagedGlobalNetworkPolicy']);

export function isGlobalPolicy(kind: string): boolean {
  return GLOBAL_KINDS.has(kind);
}

/** The selection in a sentence, saying plainly when a selector left empty selects everything. */
export function selectionSentence(s: SelectionScope): { text: string; everything: boolean } {
  const sel = s.selector.trim();
  const all = sel === '' || sel === 'all()';
  if (isGlobalPolicy(s.kind)) {
    const ns = s.namespaceSelector.trim();
    const where = ns ? ` in namespaces matching ${ns}` : ' in every namespace, and host endpoints';
    return all
      ? {
          text: `No endpoint selector: this policy applies to every endpoint${where}.`,
          everything: ns === '',
        }
      : { text: `Applies to endpoints matching ${sel}${where}.`, everything: false };
  }
  const ns = s.namespace.trim() || '(no namespace set)';
  return all
    ? {
        text: `No endpoint selector: this policy applies to every endpoint in namespace ${ns}.`,
        everything: true,
      }
    : { text: `Applies to endpoints matching ${sel} in namespace ${ns}.`, everything: false };
}
