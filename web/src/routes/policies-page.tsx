// Policy board: tiers as ordered columns, policies in order with their sync across the targeted
// clusters; drag (or Alt+arrows) to reorder, saved through the API. Import and export YAML.
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState, errorMessage } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { Table } from '../components/ui/table';
import { useToast } from '../components/ui/toast';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { exportResources, useLivePolicySync, usePolicyBoard, useReorderTier } from '../features/policies/api';
import { DriftModeSelect } from '../features/policies/components/drift-mode-select';
import { ImportDialog } from '../features/policies/components/import-dialog';
import { PolicyBoard } from '../features/policies/components/policy-board';
import { usePolicyHits, withHits } from '../features/policies/hit-counters';
import { movePolicy, type BoardPolicy, type BoardTier } from '../features/policies/model';
import { TierDialog } from '../features/policies/components/tier-dialog';
import { downloadText } from '../features/policies/yaml-files';
import '../features/policies/policies.css';

export function PoliciesPage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  const navigate = useNavigate();
  const toast = useToast();
  const board = usePolicyBoard(slug);
  const reorder = useReorderTier(slug);
  const [importing, setImporting] = useState(false);
  /** The tier dialog: null closed, 'new' to create, or the tier to edit. */
  const [tierDialog, setTierDialog] = useState<BoardTier | 'new' | null>(null);
  useLivePolicySync(slug);
  const canWrite = perms.can('policies:write');

  const open = useCallback(
    (p: { kind: string; namespace: string | null; name: string }) =>
      void navigate({
        to: '/o/$slug/policies/editor',
        params: { slug },
        search: { kind: p.kind, name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}) },
      }),
    [navigate, slug],
  );
  const tiers = board.data?.tiers;
  const hits = usePolicyHits(slug, perms.can('flows:read'));
  const shown = useMemo(() => (tiers && hits.data ? withHits(tiers, hits.data) : tiers), [tiers, hits.data]);
  const onReorder = useCallback(
    (tier: string, from: number, to: number) => {
      const column = tiers?.find((t) => t.name === tier);
      if (!column) return;
      const order: BoardPolicy[] = movePolicy(column.policies, from, to);
      reorder.mutate(
        { tier, order },
        {
          onSuccess: () => toast.show({ title: `Order of tier ${tier} saved`, tone: 'ok' }),
          onError: (err) => toast.show({ title: 'Order not saved', body: errorMessage(err), tone: 'danger' }),
        },
      );
    },
    [tiers, reorder, toast],
  );
  const exportAll = async () => {
    try {
      downloadText(`${slug}-policies.yaml`, await exportResources(slug));
    } catch (err) {
      toast.show({ title: 'Export failed', body: errorMessage(err), tone: 'danger' });
    }
  };

  return (
    <>
      <PageHeader title="Policies">
        {board.data && (
          <DriftModeSelect
            slug={slug}
            resource={null}
            value={board.data.defaultDriftMode}
            effective={board.data.defaultDriftMode}
            disabled={!canWrite}
          />
        )}
        <Button onClick={() => void exportAll()}>Export YAML</Button>
        {canWrite && <Button onClick={() => setImporting(true)}>Import YAML…</Button>}
        {canWrite && <Button onClick={() => setTierDialog('new')}>New tier</Button>}
        {canWrite && (
          <Button
            variant="primary"
            onClick={() => void navigate({ to: '/o/$slug/policies/editor', params: { slug } })}
          >
            New policy
          </Button>
        )}
      </PageHeader>
      {board.isPending ? (
        <SkeletonRows rows={6} />
      ) : board.isError ? (
        <ErrorState error={board.error} onRetry={() => void board.refetch()} />
      ) : (
        <div className="stack">
          {board.data.total === 0 && (
            <EmptyState title="No policies yet">
              Write one in the editor, or import the YAML you apply with kubectl today.
            </EmptyState>
          )}
          <PolicyBoard
            tiers={shown ?? board.data.tiers}
            canReorder={canWrite}
            onOpen={open}
            onReorder={onReorder}
            {...(canWrite ? { onEditTier: setTierDialog } : {})}
          />
          {board.data.others.length > 0 && (
            <Table caption="Network sets" columns={['Name', 'Kind', 'Clusters']}>
              {board.data.others.map((r) => (
                <tr key={r.id}>
                  <td>
                    <button type="button" className="policy-card__name" onClick={() => open(r)}>
                      {r.namespace ? `${r.namespace}/` : ''}
                      {r.name}
                    </button>
                  </td>
                  <td className="mono">{r.kind}</td>
                  <td className="mono">{r.clusterSelector || 'all clusters'}</td>
                </tr>
              ))}
            </Table>
          )}
        </div>
      )}
      <ImportDialog slug={slug} open={importing} onClose={() => setImporting(false)} />
      {tierDialog !== null && (
        <TierDialog
          slug={slug}
          tier={tierDialog === 'new' ? null : tierDialog}
          onClose={() => setTierDialog(null)}
        />
      )}
    </>
  );
}
