// Compliance report definitions: what each computes, for which scope, on which schedule, when it
// runs next and how its latest runs went (live); owners and admins create them here.
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Badge } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { Table } from '../components/ui/table';
import { useLiveReportRuns, useReportDefinitions } from '../features/compliance/api';
import { DefinitionEditor } from '../features/compliance/components/definition-editor';
import { RunStatus } from '../features/compliance/components/run-status';
import { scopeSummary } from '../features/compliance/format';
import { TYPE_LABEL } from '../features/compliance/model';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { absoluteTime, relativeTime } from '../lib/format';
import '../features/compliance/compliance.css';

export function CompliancePage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  const navigate = useNavigate();
  const q = useReportDefinitions(slug);
  useLiveReportRuns(slug);
  const [creating, setCreating] = useState(false);
  const canManage = perms.can('compliance:manage');
  const createButton = canManage && (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New report
    </Button>
  );
  return (
    <>
      <PageHeader title="Compliance reports">{createButton}</PageHeader>
      {q.isPending ? (
        <SkeletonRows rows={4} label="Loading report definitions" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <EmptyState title="No compliance reports yet" action={createButton || undefined}>
          A report computes, on a schedule or on demand, which endpoints are protected and exposed, or what
          changed in your policies, and seals the result as signed evidence (CSV, JSON and PDF).
          {!canManage && ' Owners and admins define reports.'}
        </EmptyState>
      ) : (
        <Table
          caption="Report definitions"
          captionHidden
          columns={['Name', 'Type', 'Scope', 'Schedule', 'Next run', 'Latest run']}
        >
          {q.data.map((d) => {
            const latest = [...d.activeRuns, ...d.lastSuccessfulRuns, ...d.lastFailedRuns].sort((a, b) =>
              b.createdAt.localeCompare(a.createdAt),
            )[0];
            const next = d.nextRunTimes[0];
            return (
              <tr key={d.id}>
                <td>
                  <Link to="/o/$slug/compliance/$name" params={{ slug, name: d.name }}>
                    {d.name}
                  </Link>
                </td>
                <td>{TYPE_LABEL[d.type]}</td>
                <td className="compliance-scope-cell">{scopeSummary(d.scope)}</td>
                <td>
                  <code>{d.schedule}</code> {d.suspend && <Badge tone="warn">Suspended</Badge>}
                </td>
                <td>{next ? <span title={absoluteTime(next)}>{relativeTime(next)}</span> : '—'}</td>
                <td>{latest ? <RunStatus run={latest} /> : <span className="muted">No run yet</span>}</td>
              </tr>
            );
          })}
        </Table>
      )}
      {creating && (
        <DefinitionEditor
          slug={slug}
          open
          initial={null}
          onClose={() => setCreating(false)}
          onSaved={(name) => {
            setCreating(false);
            void navigate({ to: '/o/$slug/compliance/$name', params: { slug, name } });
          }}
        />
      )}
    </>
  );
}
