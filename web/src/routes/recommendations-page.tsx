// Policy recommendations: per cluster and namespace, the staged policy Palisade recommends from the
// flows no policy covers, as rules (each with the flows behind it) and as YAML; accept (stores it as
// a staged policy on the board), dismiss, preview (what enforcing it would do to the last day of
// flows) and enforce (promote the accepted staged policy, after its preview).
import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Badge, StatusPill, type Tone } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { CodeEditor } from '../components/ui/code-editor';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState, errorMessage } from '../components/ui/error-state';
import { Field } from '../components/ui/field';
import { Select } from '../components/ui/select';
import { SkeletonRows } from '../components/ui/skeleton';
import { Tabs } from '../components/ui/tabs';
import { useToast } from '../components/ui/toast';
import type { RecommendationState } from '../generated/graphql';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { PromotionPreviewDialog } from '../features/policies/components/promotion-preview-dialog';
import {
  useAcceptRecommendation,
  useDismissRecommendation,
  useEnforceRecommendation,
  useRecommendationPreview,
  useRecommendations,
  useRefreshRecommendations,
} from '../features/recommendations/api';
import { RecommendationPreviewDialog } from '../features/recommendations/components/recommendation-preview-dialog';
import { RecommendationRules } from '../features/recommendations/components/recommendation-rules';
import { ScopeDialog } from '../features/recommendations/components/scope-dialog';
import {
  actionsFor,
  byCluster,
  ruleViews,
  STATE_LABEL,
  tierOf,
  type Recommendation,
} from '../features/recommendations/model';
import { absoluteTime, relativeTime } from '../lib/format';
import '../features/recommendations/recommendations.css';

const STATE_TONE: Record<RecommendationState, Tone> = {
  RECOMMENDED: 'info',
  ACCEPTED: 'warn',
  ENFORCED: 'ok',
  DISMISSED: 'neutral',
};

const STATE_FILTERS: { value: string; label: string; states: RecommendationState[] }[] = [
  { value: 'open', label: 'Open (recommended or accepted)', states: ['RECOMMENDED', 'ACCEPTED'] },
  { value: 'all', label: 'Every state', states: [] },
  { value: 'RECOMMENDED', label: 'Recommended', states: ['RECOMMENDED'] },
  { value: 'ACCEPTED', label: 'Accepted', states: ['ACCEPTED'] },
  { value: 'ENFORCED', label: 'Enforced', states: ['ENFORCED'] },
  { value: 'DISMISSED', label: 'Dismissed', states: ['DISMISSED'] },
];

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function RecommendationsPage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  const canWrite = perms.can('policies:write');
  const toast = useToast();
  const [cluster, setCluster] = useState('');
  const [stateFilter, setStateFilter] = useState('open');
  const states = STATE_FILTERS.find((f) => f.value === stateFilter)?.states ?? [];
  const q = useRecommendations(slug, cluster || undefined, states);
  const [selectedId, setSelectedId] = useState<string>();
  const [tab, setTab] = useState('rules');
  const [previewing, setPreviewing] = useState(false);
  const [enforcing, setEnforcing] = useState(false);
  const [editingScope, setEditingScope] = useState(false);

  const recs = q.data?.recommendations ?? [];
  const groups = useMemo(() => byCluster(recs), [recs]);
  // The one picked, else the first listed.
  const selected = recs.find((r) => r.id === selectedId) ?? groups[0]?.[1][0] ?? null;
  const tierExists = selected ? (q.data?.tiers ?? []).includes(tierOf(selected.yaml) ?? '') : false;
  const preview = useRecommendationPreview(slug, previewing || enforcing ? selected : null, tierExists);

  const refresh = useRefreshRecommendations(slug);
  const accept = useAcceptRecommendation(slug);
  const dismiss = useDismissRecommendation(slug);
  const enforce = useEnforceRecommendation(slug);

  const clusters = q.data?.clusters ?? [];
  const refreshTargets = cluster ? [cluster] : clusters.map((c) => c.name);
  const refreshAll = async () => {
    try {
      let total = 0;
      for (const c of refreshTargets) total += (await refresh.mutateAsync(c)).length;
      toast.show({
        title: 'Recommendations refreshed',
        body: `${total} recommendation${total === 1 ? '' : 's'} from the flows of ${refreshTargets.join(', ')}.`,
        tone: 'ok',
      });
    } catch (err) {
      toast.show({ title: 'Refresh failed', body: errorMessage(err), tone: 'danger' });
    }
  };

  const run = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      toast.show({ title: what, tone: 'ok' });
    } catch (err) {
      toast.show({ title: `${what}: failed`, body: errorMessage(err), tone: 'danger' });
    }
  };

  const scope = q.data?.scope;
  return (
    <>
      <PageHeader title="Recommendations">
        {canWrite && scope && <Button onClick={() => setEditingScope(true)}>Settings</Button>}
        {canWrite && refreshTargets.length > 0 && (
          <Button busy={refresh.isPending} onClick={() => void refreshAll()}>
            Refresh now
          </Button>
        )}
      </PageHeader>
      <div className="row" style={{ marginBottom: 12 }}>
        <Field label="Cluster">
          <Select
            value={cluster}
            onChange={(e) => {
              setCluster(e.target.value);
              setSelectedId(undefined);
            }}
            options={[
              { value: '', label: 'Every cluster' },
              ...clusters.map((c) => ({ value: c.name, label: c.name })),
            ]}
          />
        </Field>
        <Field label="State">
          <Select
            value={stateFilter}
            onChange={(e) => {
              setStateFilter(e.target.value);
              setSelectedId(undefined);
            }}
            options={STATE_FILTERS.map(({ value, label }) => ({ value, label }))}
          />
        </Field>
        {scope && (
          <p className="muted" style={{ margin: 0 }}>
            Built from {duration(scope.initialLookbackSeconds)} of flows no policy covers;{' '}
            {scope.enabled
              ? `refreshed every ${duration(scope.intervalSeconds)} (last ${relativeTime(scope.refreshedAt)})`
              : 'automatic refresh is off'}
            ; stable after {duration(scope.stabilizationSeconds)} without change.
          </p>
        )}
      </div>
      {q.isPending ? (
        <SkeletonRows rows={6} label="Loading recommendations" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : recs.length === 0 ? (
        <EmptyState
          title={stateFilter === 'open' ? 'No open recommendation' : 'No recommendation in this state'}
          action={
            canWrite && refreshTargets.length > 0 ? (
              <Button variant="primary" busy={refresh.isPending} onClick={() => void refreshAll()}>
                Refresh now
              </Button>
            ) : undefined
          }
        >
          Recommendations are built per namespace from the flows no policy covers yet. Connect a cluster and
          let it report flows{canWrite ? ', then refresh' : ''}.
        </EmptyState>
      ) : (
        <div className="rec-layout">
          <ul className="rec-list" aria-label="Recommendations">
            {groups.map(([name, list]) => (
              <li key={name}>
                <div className="rec-list__cluster">{name}</div>
                <ul className="rec-list" style={{ border: 0 }}>
                  {list.map((r) => (
                    <li key={r.id} className="rec-list__item">
                      <button
                        type="button"
                        className="rec-list__button"
                        aria-current={selected?.id === r.id ? 'true' : undefined}
                        onClick={() => setSelectedId(r.id)}
                      >
                        <span>{r.namespace}</span>
                        <StatusPill tone={STATE_TONE[r.state]} label={STATE_LABEL[r.state]} />
                      </button>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {selected && (
            <RecommendationDetail
              slug={slug}
              rec={selected}
              clusterLabelled={(clusters.find((c) => c.name === selected.cluster)?.labels.length ?? 0) > 0}
              canWrite={canWrite}
              tab={tab}
              onTab={setTab}
              busy={accept.isPending || dismiss.isPending}
              onAccept={() =>
                void run(`Accepted: staged policy for ${selected.namespace} is on the board`, () =>
                  accept.mutateAsync(selected.id),
                )
              }
              onDismiss={() =>
                void run(`Dismissed the recommendation for ${selected.namespace}`, () =>
                  dismiss.mutateAsync(selected.id),
                )
              }
              onPreview={() => setPreviewing(true)}
              onEnforce={() => setEnforcing(true)}
            />
          )}
        </div>
      )}
      {editingScope && scope && (
        <ScopeDialog slug={slug} scope={scope} onClose={() => setEditingScope(false)} />
      )}
      {selected && (
        <RecommendationPreviewDialog
          open={previewing}
          title={`Preview enforcing the ${selected.namespace} recommendation`}
          preview={preview.data}
          loading={preview.isFetching}
          error={preview.error}
          onClose={() => setPreviewing(false)}
        />
      )}
      {selected && (
        <PromotionPreviewDialog
          open={enforcing}
          name={`the ${selected.namespace} recommendation`}
          preview={preview.data}
          loading={preview.isFetching}
          error={preview.error ? errorMessage(preview.error) : null}
          promoting={enforce.isPending}
          onClose={() => setEnforcing(false)}
          onPromote={() =>
            void run(`Enforced the ${selected.namespace} recommendation`, async () => {
              await enforce.mutateAsync(selected);
              setEnforcing(false);
            })
          }
        />
      )}
    </>
  );
}

function RecommendationDetail({
  slug,
  rec,
  clusterLabelled,
  canWrite,
  tab,
  onTab,
  busy,
  onAccept,
  onDismiss,
  onPreview,
  onEnforce,
}: {
  slug: string;
  rec: Recommendation;
  clusterLabelled: boolean;
  canWrite: boolean;
  tab: string;
  onTab: (t: string) => void;
  busy: boolean;
  onAccept: () => void;
  onDismiss: () => void;
  onPreview: () => void;
  onEnforce: () => void;
}) {
  const rules = useMemo(() => {
    try {
      return { views: ruleViews(rec), error: null };
    } catch (err) {
      return { views: [], error: errorMessage(err) };
    }
  }, [rec]);
  const can = actionsFor(rec.state, canWrite);
  return (
    <section
      className="card stack rec-detail"
      aria-label={`Recommendation for ${rec.cluster}/${rec.namespace}`}
    >
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>
          {rec.cluster} / {rec.namespace}
        </h2>
        <div className="row">
          <StatusPill tone={STATE_TONE[rec.state]} label={STATE_LABEL[rec.state]} />
          {rec.stable ? <Badge tone="ok">Stable</Badge> : <Badge tone="warn">Still changing</Badge>}
        </div>
      </div>
      <p className="muted" style={{ margin: 0 }}>
        From flows between <span title={absoluteTime(rec.windowFrom)}>{relativeTime(rec.windowFrom)}</span>{' '}
        and <span title={absoluteTime(rec.windowTo)}>{relativeTime(rec.windowTo)}</span>; last changed{' '}
        <span title={absoluteTime(rec.changedAt)}>{relativeTime(rec.changedAt)}</span>.
        {rec.unmatchedFlows > 0 &&
          ` ${rec.unmatchedFlows} uncovered flow${rec.unmatchedFlows === 1 ? '' : 's'} could not be expressed as a rule (host endpoints, unlabelled sets).`}
      </p>
      {canWrite && (
        <div className="row">
          {can.preview && <Button onClick={onPreview}>Preview</Button>}
          {can.accept && (
            <Button variant="primary" busy={busy} disabled={!clusterLabelled} onClick={onAccept}>
              Accept as staged policy
            </Button>
          )}
          {can.enforce && (
            <Button variant="primary" onClick={onEnforce}>
              Enforce…
            </Button>
          )}
          {can.dismiss && (
            <Button variant="danger" busy={busy} onClick={onDismiss}>
              Dismiss
            </Button>
          )}
          {rec.state === 'ACCEPTED' && (
            <Link to="/o/$slug/policies" params={{ slug }}>
              See it on the board
            </Link>
          )}
        </div>
      )}
      {can.accept && !clusterLabelled && (
        <p className="muted" role="note">
          Accepting targets the staged policy at {rec.cluster} by its labels, and it has none yet:{' '}
          <Link to="/o/$slug/clusters/$name" params={{ slug, name: rec.cluster }}>
            give {rec.cluster} a label
          </Link>{' '}
          first.
        </p>
      )}
      <Tabs
        label="Recommendation views"
        tabs={[
          { id: 'rules', label: `Rules (${rules.views.length})` },
          { id: 'yaml', label: 'YAML' },
        ]}
        selected={tab}
        onSelect={onTab}
      >
        {tab === 'rules' ? (
          rules.error ? (
            <ErrorState title="The recommendation could not be read" error={rules.error} />
          ) : (
            <RecommendationRules rules={rules.views} />
          )
        ) : (
          <CodeEditor label="Recommended policy YAML" value={rec.yaml} readOnly />
        )}
      </Tabs>
    </section>
  );
}
