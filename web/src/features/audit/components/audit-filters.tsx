// Filter form for the audit log. Applies on submit (not per keystroke) and writes to the URL.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import type { AuditSearch } from '../search';

export function AuditFilters({ value, onApply }: { value: AuditSearch; onApply: (s: AuditSearch) => void }) {
  const [draft, setDraft] = useState<AuditSearch>(value);
  const set = (k: keyof AuditSearch) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  return (
    <form onSubmit={submit} aria-label="Filter audit events" className="card" style={{ marginBottom: 16 }}>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(170px, 1fr))', gap: 12 }}>
        <Field label="Actor" hint="email or token:<name>">
          <Input value={draft.actor ?? ''} onChange={set('actor')} />
        </Field>
        <Field label="Action" hint="e.g. member. or cluster.register">
          <Input value={draft.action ?? ''} onChange={set('action')} />
        </Field>
        <Field label="Target type">
          <Input value={draft.targetType ?? ''} onChange={set('targetType')} />
        </Field>
        <Field label="Target id">
          <Input value={draft.targetId ?? ''} onChange={set('targetId')} />
        </Field>
        <Field label="From">
          <Input type="datetime-local" value={draft.from ?? ''} onChange={set('from')} />
        </Field>
        <Field label="To">
          <Input type="datetime-local" value={draft.to ?? ''} onChange={set('to')} />
        </Field>
      </div>
      <div className="row">
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
        <Button
          onClick={() => {
            setDraft({});
            onApply({});
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
