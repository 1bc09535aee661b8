// Filter form for the audit log. Applies on submit (not per keystroke) and writes to the URL.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import type { AuditSearch } from '../search';

/** AuditEvent.targetType values (the schema's description lists them), as the filter offers them. */
const TARGET_TYPES = [
  { value: 'policy_resource', label: 'Policy' },
  { value: 'cluster', label: 'Cluster' },
  { value: 'member', label: 'Member' },
  { value: 'invitation', label: 'Invitation' },
  { value: 'api_token', label: 'API token' },
  { value: 'organization', label: 'Organisation' },
  { value: 'report_definition', label: 'Report definition' },
  { value: 'report_run', label: 'Report run' },
] as const;

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
        <Field label="Resource type">
          <Select
            value={draft.targetType ?? ''}
            onChange={set('targetType')}
            options={[{ value: '', label: 'Any' }, ...TARGET_TYPES]}
          />
        </Field>
        <Field label="Resource id" hint="From an event’s details">
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
