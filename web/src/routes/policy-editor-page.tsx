// Policy editor: YAML with highlighting and live validation by @palisade/policy, the diff against
// the stored version before saving, revision history with diffs and rollback, promotion of staged
// policies, per-cluster status, import of a file into the editor and export.
import { isStagedKind } from '@palisade/policy/managed';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { StatusPill } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { Dialog } from '../components/ui/dialog';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState, errorMessage } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { Tabs } from '../components/ui/tabs';
import { useToast } from '../components/ui/toast';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import {
  useDeletePolicy,
  usePolicyResource,
  usePromotePolicy,
  usePromotionPreview,
  useRollbackPolicy,
  useSavePolicy,
  type ResourceRef,
} from '../features/policies/api';
import { DriftModeSelect } from '../features/policies/components/drift-mode-select';
import { FelixConfigurationForm } from '../features/policies/components/felix-configuration-form';
import { PolicyForm } from '../features/policies/components/policy-form';
import { isFelixText } from '../features/policies/felix-form-model';
import { PolicyYamlEditor } from '../features/policies/components/policy-yaml-editor';
import { PromotionPreviewDialog } from '../features/policies/components/promotion-preview-dialog';
import { ReviewChangesDialog } from '../features/policies/components/review-changes-dialog';
import { RevisionHistory } from '../features/policies/components/revision-history';
import { SyncPill } from '../features/policies/components/sync-pill';
import { YamlFileActions } from '../features/policies/components/yaml-file-actions';
import { isApiKind, resourceRefOf, sameRef } from '../features/policies/resource-ref';
import { NEW_POLICY_YAML } from '../features/policies/templates';
import { isApiError } from '../lib/graphql-client';
import '../features/policies/policies.css';

export function PolicyEditorPage() {
  const slug = useOrgSlug();
  const search = useSearch({ from: '/_app/o/$slug/policies/editor' });
  const ref: ResourceRef | null =
    search.kind && search.name && isApiKind(search.kind)
      ? { kind: search.kind, name: search.name, namespace: search.namespace ?? null }
      : null;
  const q = usePolicyResource(slug, ref);
  if (ref && q.isPending) return <SkeletonRows rows={8} />;
  if (ref && q.isError)
    return isApiError(q.error, 'NOT_FOUND') ? (
      <EmptyState
        title="Policy not found"
        action={
          <Link to="/o/$slug/policies" params={{ slug }}>
            Policy board
          </Link>
        }
      >
        {ref.kind} {ref.namespace ? `${ref.namespace}/` : ''}
        {ref.name} does not exist (any more).
      </EmptyState>
    ) : (
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    );
  const stored = ref ? (q.data ?? null) : null;
  return (
    <Editor
      key={`${JSON.stringify(ref)}@${stored?.revision ?? 0}`}
      slug={slug}
      refInUrl={ref}
      stored={stored}
    />
  );
}

type Stored = NonNullable<ReturnType<typeof usePolicyResource>['data']>;

function Editor({
  slug,
  refInUrl,
  stored,
}: {
  slug: string;
  refInUrl: ResourceRef | null;
  stored: Stored | null;
}) {
  const perms = usePermissions();
  const navigate = useNavigate();
  const toast = useToast();
  const save = useSavePolicy(slug);
  const rollback = useRollbackPolicy(slug);
  const promote = usePromotePolicy(slug);
  const del = useDeletePolicy(slug);
  const canWrite = perms.can('policies:write') && !(stored?.builtIn ?? false);
  const storedYaml = stored?.yaml ?? '';
  const [draft, setDraft] = useState(stored?.yaml ?? NEW_POLICY_YAML);
  const [reviewing, setReviewing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [promoting, setPromoting] = useState(false);
  const promotionPreview = usePromotionPreview(slug, promoting ? refInUrl : null);
  const [view, setView] = useState('yaml');
  const [saveError, setSaveError] = useState<string | null>(null);
  useEffect(() => setSaveError(null), [draft]);

  const goTo = (r: { kind: string; namespace: string | null; name: string }) =>
    void navigate({
      to: '/o/$slug/policies/editor',
      params: { slug },
      search: { kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) },
      replace: true,
    });

  const title = stored ? `${stored.namespace ? `${stored.namespace}/` : ''}${stored.name}` : 'New policy';
  return (
    <>
      <p>
        <Link to="/o/$slug/policies" params={{ slug }}>
          ← Policy board
        </Link>
      </p>
      <PageHeader title={title}>
        {stored && canWrite && isStagedKind(stored.kind) && (
          <Button onClick={() => setPromoting(true)}>Preview and promote</Button>
        )}
        {stored && canWrite && (
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        )}
      </PageHeader>
      <PromotionPreviewDialog
        open={promoting}
        name={stored?.name ?? ''}
        preview={promotionPreview.data}
        loading={promotionPreview.isPending}
        error={promotionPreview.error ? errorMessage(promotionPreview.error) : null}
        promoting={promote.isPending}
        onClose={() => setPromoting(false)}
        onPromote={() =>
          refInUrl &&
          stored &&
          promote.mutate(refInUrl, {
            onSuccess: (r) => {
              setPromoting(false);
              toast.show({ title: `${stored.name} promoted to ${r.enforcedKind}`, tone: 'ok' });
              if (r.enforced) goTo(r.enforced);
              else void navigate({ to: '/o/$slug/policies', params: { slug } });
            },
            onError: (err) => toast.show({ title: 'Not promoted', body: errorMessage(err), tone: 'danger' }),
          })
        }
      />
      <div className="editor-layout">
        <div className="stack">
          <YamlFileActions
            text={draft}
            filename={`${stored?.name ?? 'policy'}.yaml`}
            canImport={canWrite}
            onImport={setDraft}
          />
          <Tabs
            label="Editor view"
            tabs={[
              { id: 'yaml', label: 'YAML' },
              { id: 'form', label: 'Form' },
            ]}
            selected={view}
            onSelect={setView}
          >
            {view === 'form' &&
              (isFelixText(draft) ? (
                <FelixConfigurationForm text={draft} onChange={setDraft} readOnly={!canWrite} />
              ) : (
                <PolicyForm slug={slug} text={draft} onChange={setDraft} readOnly={!canWrite} />
              ))}
          </Tabs>
          <PolicyYamlEditor
            value={draft}
            onChange={setDraft}
            readOnly={!canWrite}
            editorHidden={view === 'form'}
          >
            {(v) => {
              const parsedRef =
                v.resources.length === 1 && v.resources[0] ? resourceRefOf(v.resources[0]) : null;
              const many = v.resources.length > 1;
              const valid = v.errors.length === 0 && !v.stale && parsedRef !== null;
              const changed = draft !== storedYaml;
              const existing = sameRef(parsedRef, refInUrl);
              return (
                canWrite && (
                  <div className="row">
                    <Button
                      variant="primary"
                      disabled={!valid || !changed}
                      onClick={() => setReviewing(true)}
                    >
                      {stored && !existing ? 'Review and save as new' : 'Review and save'}
                    </Button>
                    {many && (
                      <span className="muted">
                        The editor saves one resource; use Import on the board for several.
                      </span>
                    )}
                    {stored && parsedRef && !existing && (
                      <span className="muted">
                        The kind, namespace or name changed: saving creates another resource.
                      </span>
                    )}
                    <ReviewChangesDialog
                      open={reviewing}
                      stored={existing ? storedYaml : ''}
                      draft={draft}
                      saving={save.isPending}
                      error={saveError}
                      onClose={() => setReviewing(false)}
                      onSave={() =>
                        save.mutate(
                          { yaml: draft, existing },
                          {
                            onSuccess: (r) => {
                              setReviewing(false);
                              toast.show({ title: `${r.name} saved (revision ${r.revision})`, tone: 'ok' });
                              goTo(r);
                            },
                            onError: (err) => setSaveError(errorMessage(err)),
                          },
                        )
                      }
                    />
                  </div>
                )
              );
            }}
          </PolicyYamlEditor>
        </div>
        <aside className="stack" aria-label="Policy details">
          {stored ? (
            <>
              <section className="card">
                <h2>Clusters</h2>
                <p className="muted mono">{stored.clusterSelector || 'all clusters'}</p>
                <DriftModeSelect
                  slug={slug}
                  resource={refInUrl}
                  value={stored.driftMode}
                  effective={stored.effectiveDriftMode}
                  disabled={!canWrite}
                />
                {stored.clusterStatus.length === 0 ? (
                  <p className="muted">No cluster matches its cluster selector.</p>
                ) : (
                  <ul className="stack" style={{ listStyle: 'none', padding: 0, gap: 6 }}>
                    {stored.clusterStatus.map((s) => (
                      <li key={s.cluster.name} className="row" data-cluster-status={s.cluster.name}>
                        <span>{s.cluster.name}</span>
                        <SyncPill status={s.status} {...(s.message ? { title: s.message } : {})} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section className="stack">
                <h2 style={{ fontSize: 15, margin: 0 }}>Revisions</h2>
                <RevisionHistory
                  revisions={stored.revisions.edges.map(({ node }) => ({
                    revision: node.revision,
                    change: node.change.toLowerCase(),
                    yaml: node.yaml,
                    actor: node.actor.label,
                    createdAt: node.createdAt,
                  }))}
                  current={stored.revision}
                  canRollback={canWrite}
                  rollingBack={rollback.isPending ? (rollback.variables?.revision ?? null) : null}
                  onRollback={(revision) =>
                    refInUrl &&
                    rollback.mutate(
                      { ref: refInUrl, revision },
                      {
                        onSuccess: (r) =>
                          toast.show({
                            title: `Rolled back to revision ${revision} (now ${r.revision})`,
                            tone: 'ok',
                          }),
                        onError: (err) =>
                          toast.show({ title: 'Not rolled back', body: errorMessage(err), tone: 'danger' }),
                      },
                    )
                  }
                />
              </section>
            </>
          ) : (
            <section className="card">
              <h2>New resource</h2>
              <p className="muted">
                Any Calico policy, staged policy, network set or Kubernetes NetworkPolicy. Set the cluster
                selector with the <span className="mono">palisade.io/cluster-selector</span> annotation;
                without it the resource goes to every cluster.
              </p>
              <StatusPill tone="info" label="Not saved yet" />
            </section>
          )}
        </aside>
      </div>
      <Dialog
        open={deleting}
        title={`Delete ${stored?.name ?? ''}?`}
        onClose={() => setDeleting(false)}
        actions={
          <>
            <Button onClick={() => setDeleting(false)}>Cancel</Button>
            <Button
              variant="danger-solid"
              busy={del.isPending}
              onClick={() =>
                refInUrl &&
                del.mutate(refInUrl, {
                  onSuccess: () => {
                    toast.show({ title: `${refInUrl.name} deleted`, tone: 'ok' });
                    void navigate({ to: '/o/$slug/policies', params: { slug } });
                  },
                  onError: (err) =>
                    toast.show({ title: 'Not deleted', body: errorMessage(err), tone: 'danger' }),
                })
              }
            >
              Delete
            </Button>
          </>
        }
      >
        <p>
          It is removed from every cluster it targets. Its revisions stay in the history and the audit log.
        </p>
      </Dialog>
    </>
  );
}
