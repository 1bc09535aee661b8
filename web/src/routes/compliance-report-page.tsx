// One compliance report definition: its type, scope and schedule with the next runs; the run
// history with live progress; an on-demand run for a past interval; and, for a succeeded run, the
// report itself with its summary charts, tables, signed files and how to verify them.
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Badge } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { CodeEditor } from '../components/ui/code-editor';
import { Dialog } from '../components/ui/dialog';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState, errorMessage } from '../components/ui/error-state';
import { Field } from '../components/ui/field';
import { Input } from '../components/ui/input';
import { SkeletonRows } from '../components/ui/skeleton';
import { Table } from '../components/ui/table';
import { useToast } from '../components/ui/toast';
import type { DownloadReportRunMutation, ReportRunFieldsFragment } from '../generated/graphql';
import {
  downloadRun,
  useDeleteDefinition,
  useLiveReportRuns,
  useReportDefinition,
  useRunReport,
} from '../features/compliance/api';
import { DefinitionEditor } from '../features/compliance/components/definition-editor';
import { ReportView } from '../features/compliance/components/report-view';
import { RunStatus } from '../features/compliance/components/run-status';
import { intervalText, scopeSummary } from '../features/compliance/format';
import { defaultInterval, formOf, TYPE_LABEL } from '../features/compliance/model';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { isApiError } from '../lib/graphql-client';
import { absoluteTime, relativeTime } from '../lib/format';
import '../features/compliance/compliance.css';

type Archive = DownloadReportRunMutation['downloadReportRun'];

/** `YYYY-MM-DDTHH:MM` in UTC, for a datetime-local input read as UTC. */
const toLocalInput = (d: Date) => d.toISOString().slice(0, 16);

export function ComplianceReportPage() {
  const slug = useOrgSlug();
  const { name } = useParams({ from: '/_app/o/$slug/compliance/$name' });
  const perms = usePermissions();
  const navigate = useNavigate();
  const toast = useToast();
  const q = useReportDefinition(slug, name);
  useLiveReportRuns(slug);
  const canManage = perms.can('compliance:manage');
  const canRun = perms.can('compliance:run');
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [running, setRunning] = useState(false);
  const [opened, setOpened] = useState<{ run: ReportRunFieldsFragment; archive: Archive } | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const del = useDeleteDefinition(slug);

  const open = async (run: ReportRunFieldsFragment) => {
    setOpening(run.id);
    try {
      setOpened({ run, archive: await downloadRun(slug, run.id) });
    } catch (err) {
      toast.show({ title: 'The report could not be downloaded', body: errorMessage(err), tone: 'danger' });
    } finally {
      setOpening(null);
    }
  };

  if (q.isPending) return <SkeletonRows rows={6} label="Loading the report" />;
  if (q.isError)
    return isApiError(q.error, 'NOT_FOUND') ? (
      <EmptyState
        title="No such report"
        action={
          <Link to="/o/$slug/compliance" params={{ slug }}>
            All reports
          </Link>
        }
      >
        There is no report definition “{name}”; it may have been deleted (its runs are kept).
      </EmptyState>
    ) : (
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    );
  const d = q.data;
  const runs = d.runs.edges.map((e) => e.node);

  return (
    <>
      <PageHeader title={d.name}>
        {canRun && (
          <Button variant="primary" onClick={() => setRunning(true)}>
            Run now
          </Button>
        )}
        {canManage && <Button onClick={() => setEditing(true)}>Edit</Button>}
        {canManage && (
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        )}
      </PageHeader>
      <p>
        <Link to="/o/$slug/compliance" params={{ slug }}>
          ← All reports
        </Link>
      </p>
      <div className="figure-grid" style={{ marginBottom: 16 }}>
        <section className="card" aria-label="Definition">
          <h2>Definition</h2>
          <dl className="props">
            <dt>Type</dt>
            <dd>{TYPE_LABEL[d.type]}</dd>
            <dt>Scope</dt>
            <dd>{scopeSummary(d.scope)}</dd>
            <dt>Schedule</dt>
            <dd>
              <code>{d.schedule}</code> (UTC) {d.suspend && <Badge tone="warn">Suspended</Badge>}
            </dd>
            <dt>Revision</dt>
            <dd>
              {d.revision}, changed <span title={absoluteTime(d.updatedAt)}>{relativeTime(d.updatedAt)}</span>
            </dd>
          </dl>
        </section>
        <section className="card" aria-label="Next runs">
          <h2>Next runs</h2>
          {d.nextRunTimes.length === 0 ? (
            <p className="muted">None while suspended.</p>
          ) : (
            <ul className="compliance-next-runs">
              {d.nextRunTimes.map((t) => (
                <li key={t}>
                  {new Date(t).toISOString().replace('T', ' ').slice(0, 16)} UTC ({relativeTime(t)})
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <h2 style={{ fontSize: 16 }}>Runs</h2>
      {runs.length === 0 ? (
        <EmptyState title="No run yet">
          The first scheduled run closes the interval that starts now
          {canRun ? '; or run it now for a past interval' : ''}.
        </EmptyState>
      ) : (
        <Table
          caption={`Runs (${d.runs.totalCount})`}
          captionHidden
          columns={['Interval', 'Status', 'Trigger', 'Requested', 'Finished', '']}
        >
          {runs.map((r) => (
            <tr key={r.id} data-run-id={r.id} aria-selected={opened?.run.id === r.id || undefined}>
              <td>{intervalText(r.intervalStart, r.intervalEnd)}</td>
              <td>
                <RunStatus run={r} />
              </td>
              <td>{r.trigger === 'SCHEDULED' ? 'Schedule' : `On demand by ${r.requestedBy}`}</td>
              <td title={absoluteTime(r.createdAt)}>{relativeTime(r.createdAt)}</td>
              <td title={absoluteTime(r.finishedAt)}>{r.finishedAt ? relativeTime(r.finishedAt) : '—'}</td>
              <td>
                {r.status === 'SUCCEEDED' && canRun && (
                  <Button size="small" busy={opening === r.id} onClick={() => void open(r)}>
                    View report
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {!canRun && runs.some((r) => r.status === 'SUCCEEDED') && (
        <p className="muted">Owners, admins and auditors can open and download the reports.</p>
      )}

      {opened && (
        <section aria-label="Report" style={{ marginTop: 24 }}>
          <h2 style={{ fontSize: 16 }}>
            Report for {intervalText(opened.run.intervalStart, opened.run.intervalEnd)}
          </h2>
          <p className="muted">Opening a report downloads its evidence, which the audit log records.</p>
          <ReportView archive={opened.archive} />
        </section>
      )}

      <details style={{ marginTop: 24 }}>
        <summary>As GlobalReport YAML</summary>
        <CodeEditor label="GlobalReport YAML" value={d.yaml} readOnly />
      </details>

      {editing && (
        <DefinitionEditor
          slug={slug}
          open
          initial={formOf(d)}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            toast.show({ title: `Saved ${d.name}`, tone: 'ok' });
          }}
        />
      )}
      {running && <RunDialog slug={slug} name={d.name} onClose={() => setRunning(false)} />}
      <Dialog
        open={deleting}
        title={`Delete ${d.name}?`}
        onClose={() => setDeleting(false)}
        actions={
          <>
            <Button onClick={() => setDeleting(false)}>Keep it</Button>
            <Button
              variant="danger-solid"
              busy={del.isPending}
              onClick={() =>
                del.mutate(d.name, {
                  onSuccess: () => void navigate({ to: '/o/$slug/compliance', params: { slug } }),
                  onError: (err) =>
                    toast.show({ title: 'Delete failed', body: errorMessage(err), tone: 'danger' }),
                })
              }
            >
              Delete report
            </Button>
          </>
        }
      >
        <p>Scheduled runs stop. Its runs and their signed files are kept as evidence.</p>
      </Dialog>
    </>
  );
}

function RunDialog({ slug, name, onClose }: { slug: string; name: string; onClose: () => void }) {
  const initial = defaultInterval();
  const [start, setStart] = useState(toLocalInput(initial.start));
  const [end, setEnd] = useState(toLocalInput(initial.end));
  const run = useRunReport(slug);
  const toast = useToast();
  const asIso = (v: string) => (v ? new Date(`${v}:00Z`).toISOString() : '');
  const problem =
    !start || !end
      ? 'Give both ends of the interval.'
      : asIso(start) >= asIso(end)
        ? 'The interval must end after it starts.'
        : new Date(asIso(end)).getTime() > Date.now()
          ? 'The interval may not end in the future.'
          : undefined;
  return (
    <Dialog
      open
      title={`Run ${name} now`}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            busy={run.isPending}
            disabled={problem !== undefined}
            onClick={() =>
              run.mutate(
                { name, start: asIso(start), end: asIso(end) },
                {
                  onSuccess: () => {
                    toast.show({
                      title: 'Run queued',
                      body: 'Its progress shows in the run list.',
                      tone: 'ok',
                    });
                    onClose();
                  },
                },
              )
            }
          >
            Start run
          </Button>
        </>
      }
    >
      <div className="stack">
        <p style={{ margin: 0 }}>Computes the report over a past interval (times in UTC).</p>
        <Field label="From (UTC)">
          <Input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        </Field>
        <Field label="To (UTC)" error={problem ?? (run.error ? errorMessage(run.error) : undefined)}>
          <Input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
        </Field>
      </div>
    </Dialog>
  );
}
