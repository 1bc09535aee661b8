// Which endpoints the policy's selectors select right now, per cluster it targets (its cluster
// selector over the clusters' labels), from each cluster's inventory: a count and the first names.
import { selectsCluster } from '@palisade/policy/managed';
import { useQueries } from '@tanstack/react-query';
import { Badge } from '../../../components/ui/badge';
import { ClusterEndpointsDocument, ClusterNamespacesDocument } from '../../../generated/graphql';
import { gqlRequest } from '../../../lib/graphql-client';
import { plural } from '../../../lib/format';
import { keys } from '../../../lib/query-keys';
import { useDebounced } from '../../../lib/use-debounced';
import { useClusters } from '../../clusters/api';
import { selectorError } from '../../clusters/components/inventory-endpoints';
import { isGlobalPolicy, selectionSentence, type SelectionScope } from '../selection';

const SHOWN = 6;

function labelRecord(labels: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(labels.map((l) => [l.key, l.value]));
}

export function SelectionPreview({
  slug,
  scope,
  clusterSelector,
}: {
  slug: string;
  scope: SelectionScope;
  clusterSelector: string;
}) {
  // Debounced by value (a string), so typing sends one query per pause, not one per key.
  const s = JSON.parse(useDebounced(JSON.stringify(scope), 300)) as SelectionScope;
  const sentence = selectionSentence(scope);
  const clusters = useClusters(slug);
  const bad =
    selectorError(s.selector) ?? selectorError(s.namespaceSelector) ?? selectorError(clusterSelector);
  const global = isGlobalPolicy(s.kind);
  const targets = (clusters.data?.edges ?? [])
    .map((e) => e.node)
    .filter((c) => !selectorError(clusterSelector) && selectsCluster(clusterSelector, labelRecord(c.labels)));
  const ready = !bad && (global || s.namespace.trim() !== '');
  const results = useQueries({
    queries: targets.map((c) => ({
      queryKey: [...keys.cluster(slug, c.name), 'selection', s],
      enabled: ready,
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        const selector = s.selector.trim();
        const eps = await gqlRequest(
          ClusterEndpointsDocument,
          {
            slug,
            name: c.name,
            ...(selector ? { selector } : {}),
            ...(global ? {} : { namespace: s.namespace.trim() }),
          },
          signal,
        ).then((d) => d.organization.cluster.endpoints);
        if (!global || s.namespaceSelector.trim() === '')
          return { total: eps.totalCount, atLeast: false, names: eps.edges.map((e) => e.node) };
        // A namespace selector: keep the endpoints in the namespaces it selects (their labels from
        // the inventory). Counted over the endpoints fetched; "at least" when there were more.
        const nss = await gqlRequest(ClusterNamespacesDocument, { slug, name: c.name }, signal).then((d) =>
          d.organization.cluster.namespaces.edges.map((e) => e.node),
        );
        const chosen = new Set(
          nss.filter((n) => selectsCluster(s.namespaceSelector, labelRecord(n.labels))).map((n) => n.name),
        );
        const kept = eps.edges.map((e) => e.node).filter((n) => chosen.has(n.namespace));
        return { total: kept.length, atLeast: eps.pageInfo.hasNextPage, names: kept };
      },
    })),
  });
  return (
    <section className="card stack" aria-label="Selected endpoints">
      <h2 style={{ margin: 0, fontSize: 15 }}>Selects now</h2>
      <p data-selection-everything={sentence.everything ? 'true' : 'false'}>
        {sentence.everything && <Badge tone="warn">everything</Badge>} {sentence.text}
      </p>
      {bad ? (
        <p className="muted">Fix the selector to see what it selects.</p>
      ) : !ready ? (
        <p className="muted">Set the namespace to see what it selects.</p>
      ) : clusters.isPending ? (
        <p className="muted">Loading clusters…</p>
      ) : targets.length === 0 ? (
        <p className="muted">No cluster matches its cluster selector: it selects nothing anywhere yet.</p>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0, gap: 8 }}>
          {targets.map((c, i) => {
            const r = results[i];
            return (
              <li key={c.id} data-selection-cluster={c.name}>
                <strong>{c.name}</strong>{' '}
                {!r || r.isPending ? (
                  <span className="muted">…</span>
                ) : r.isError ? (
                  <span className="muted">inventory unavailable</span>
                ) : (
                  <>
                    <span data-selected={r.data.total}>
                      {r.data.atLeast ? 'at least ' : ''}
                      {plural(r.data.total, 'endpoint')}
                    </span>
                    {r.data.names.length > 0 && (
                      <span className="muted mono">
                        {': '}
                        {r.data.names
                          .slice(0, SHOWN)
                          .map((n) => (global ? `${n.namespace}/${n.name}` : n.name))
                          .join(', ')}
                        {r.data.total > SHOWN ? ', …' : ''}
                      </span>
                    )}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
