// A run's status as a pill, with its progress while it runs and its error when it failed.
import { StatusPill, type Tone } from '../../../components/ui/badge';
import type { ReportRunFieldsFragment, ReportRunStatus } from '../../../generated/graphql';

const TONE: Record<ReportRunStatus, Tone> = {
  QUEUED: 'neutral',
  RUNNING: 'info',
  SUCCEEDED: 'ok',
  FAILED: 'danger',
};
const LABEL: Record<ReportRunStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
};

export function RunStatus({
  run,
}: {
  run: Pick<ReportRunFieldsFragment, 'status' | 'progress' | 'error' | 'attempts'>;
}) {
  return (
    <span className="row" style={{ gap: 6 }}>
      <StatusPill
        tone={TONE[run.status]}
        label={run.status === 'RUNNING' ? `${LABEL.RUNNING} ${run.progress}%` : LABEL[run.status]}
        {...(run.error ? { title: run.error } : {})}
      />
      {run.status === 'RUNNING' && (
        <progress className="compliance-progress" max={100} value={run.progress} aria-label="Progress" />
      )}
      {run.status === 'QUEUED' && run.error && <span className="muted">retrying: {run.error}</span>}
      {run.status === 'FAILED' && run.error && <span className="ui-field__error">{run.error}</span>}
    </span>
  );
}
