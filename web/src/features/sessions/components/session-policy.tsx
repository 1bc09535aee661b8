// The organisation's session limits: owners set them, everyone else reads them. Empty means no
// limit of the organisation's own (the platform's session lifetime still applies).
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorState, errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { useToast } from '../../../components/ui/toast';
import { useSessionPolicy, useUpdateSessionPolicy } from '../api';
import { IDLE, LIFETIME, minutesError } from '../validation';

const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
const toMinutes = (t: string) => (t.trim() === '' ? null : Number(t.trim()));
const describe = (n: number | null) => (n === null ? 'no limit' : `${n} minutes`);

export function SessionPolicy({ slug, canManage }: { slug: string; canManage: boolean }) {
  const q = useSessionPolicy(slug);
  const update = useUpdateSessionPolicy(slug);
  const toast = useToast();
  const [lifetime, setLifetime] = useState('');
  const [idle, setIdle] = useState('');
  useEffect(() => {
    setLifetime(text(q.data?.maxLifetimeMinutes));
    setIdle(text(q.data?.idleTimeoutMinutes));
  }, [q.data?.maxLifetimeMinutes, q.data?.idleTimeoutMinutes]);
  const lifetimeError = minutesError(lifetime, LIFETIME);
  const idleError = minutesError(idle, IDLE);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (lifetimeError || idleError) return;
    try {
      await update.mutateAsync({
        maxLifetimeMinutes: toMinutes(lifetime),
        idleTimeoutMinutes: toMinutes(idle),
      });
      toast.show({ title: 'Session policy saved', tone: 'ok' });
    } catch (err) {
      toast.show({ title: 'Not saved', body: errorMessage(err), tone: 'danger' });
    }
  };
  if (q.isPending) return <SkeletonRows rows={1} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!canManage)
    return (
      <section aria-labelledby="session-policy" className="stack">
        <h2 id="session-policy">Session policy</h2>
        <p className="muted">
          Sessions reach this organisation for {describe(q.data.maxLifetimeMinutes)} after sign-in, and end
          after {describe(q.data.idleTimeoutMinutes)} without activity.
        </p>
      </section>
    );
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="session-policy" className="card">
      <h2 id="session-policy">Session policy</h2>
      <p className="muted">A session past either limit is ended at its next request to this organisation.</p>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr auto', gap: 12, alignItems: 'start' }}>
        <Field
          label="Session lifetime (minutes)"
          hint={`${LIFETIME.min}–${LIFETIME.max}; empty for no limit`}
          error={lifetimeError}
        >
          <Input inputMode="numeric" value={lifetime} onChange={(e) => setLifetime(e.target.value)} />
        </Field>
        <Field
          label="Idle timeout (minutes)"
          hint={`${IDLE.min}–${IDLE.max}; empty for no limit`}
          error={idleError}
        >
          <Input inputMode="numeric" value={idle} onChange={(e) => setIdle(e.target.value)} />
        </Field>
        <div style={{ paddingTop: 26 }}>
          <Button
            type="submit"
            variant="primary"
            busy={update.isPending}
            disabled={!!lifetimeError || !!idleError}
          >
            Save
          </Button>
        </div>
      </div>
    </form>
  );
}
