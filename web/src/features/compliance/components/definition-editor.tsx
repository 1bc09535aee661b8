// Create or edit a report definition: type, scope pickers (endpoint selector, namespaces, service
// accounts, cluster selector) with the live count of endpoints in scope, a cron field with presets
// and the next runs, and suspend. The API validates; its errors are shown under the field they name.
import { useMemo, useState, type ChangeEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import type { ReportType } from '../../../generated/graphql';
import { isApiError } from '../../../lib/graphql-client';
import { useDebounced } from '../../../lib/use-debounced';
import { useSaveDefinition, useScopeCount } from '../api';
import {
  EMPTY_FORM,
  nextRuns,
  SCHEDULE_PRESETS,
  scopeCountText,
  scopeInput,
  selectorProblem,
  TYPE_LABEL,
  type DefinitionForm,
} from '../model';

/** The form field an API VALIDATION_FAILED error names (its `field` path), if one of ours. */
function fieldOfError(err: unknown): keyof DefinitionForm | 'form' {
  if (!isApiError(err, 'VALIDATION_FAILED') && !isApiError(err, 'CONFLICT')) return 'form';
  const text = errorMessage(err);
  const known: (keyof DefinitionForm)[] = [
    'endpointSelector',
    'namespaceSelector',
    'serviceAccountSelector',
    'clusterSelector',
    'namespaceNames',
    'serviceAccountNames',
    'schedule',
    'name',
    'type',
  ];
  return known.find((k) => text.includes(k)) ?? 'form';
}

export function DefinitionEditor({
  slug,
  open,
  initial,
  onClose,
  onSaved,
}: {
  slug: string;
  open: boolean;
  /** The definition being edited; null to create one. */
  initial: DefinitionForm | null;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const creating = initial === null;
  const [form, setForm] = useState<DefinitionForm>(initial ?? EMPTY_FORM);
  const save = useSaveDefinition(slug);
  // The count follows the scope fields after a quiet moment, so typing sends one request.
  const settled = useDebounced(form, 300);
  const scope = useMemo(() => scopeInput(settled), [settled]);
  const runs = useMemo(
    () => (form.suspend ? null : nextRuns(form.schedule, 5)),
    [form.schedule, form.suspend],
  );
  const problems = {
    endpointSelector: selectorProblem(form.endpointSelector),
    namespaceSelector: selectorProblem(form.namespaceSelector),
    serviceAccountSelector: selectorProblem(form.serviceAccountSelector),
    clusterSelector: selectorProblem(form.clusterSelector),
  };
  const scopeValid = Object.values(scope).every(
    (v) => typeof v !== 'string' || selectorProblem(v) === undefined,
  );
  const count = useScopeCount(slug, scope, open && scopeValid);
  const apiError = save.error ? { field: fieldOfError(save.error), message: errorMessage(save.error) } : null;
  const errorFor = (k: keyof DefinitionForm) =>
    (k in problems ? problems[k as keyof typeof problems] : undefined) ??
    (apiError?.field === k ? apiError.message : undefined);

  const set =
    (k: keyof DefinitionForm) =>
    (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = () => {
    const input = {
      type: form.type,
      schedule: form.schedule.trim(),
      suspend: form.suspend,
      scope: scopeInput(form),
    };
    save.mutate(
      creating
        ? { create: true, input: { ...input, name: form.name.trim() } }
        : { create: false, input: { ...input, name: form.name } },
      {
        onSuccess: (d) => onSaved(d.name),
      },
    );
  };
  const blocked =
    Object.values(problems).some((p) => p !== undefined) || (creating && form.name.trim() === '');

  return (
    <Dialog
      open={open}
      title={creating ? 'New report' : `Edit ${form.name}`}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={save.isPending} disabled={blocked} onClick={submit}>
            {creating ? 'Create report' : 'Save changes'}
          </Button>
        </>
      }
    >
      <form
        className="stack compliance-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!blocked) submit();
        }}
      >
        {creating && (
          <Field
            label="Name"
            hint="A DNS subdomain, unique in the organisation: daily-inventory"
            error={errorFor('name')}
          >
            <Input value={form.name} onChange={set('name')} autoComplete="off" required />
          </Field>
        )}
        <Field label="Report type" error={errorFor('type')}>
          <Select
            value={form.type}
            onChange={(e) => setForm((f) => ({ ...f, type: e.target.value as ReportType }))}
            options={(Object.keys(TYPE_LABEL) as ReportType[]).map((t) => ({
              value: t,
              label: TYPE_LABEL[t],
            }))}
          />
        </Field>
        <fieldset className="compliance-form__group">
          <legend>Schedule</legend>
          <div className="row">
            <Field
              label="Cron schedule (UTC)"
              hint="minute hour day-of-month month day-of-week"
              error={errorFor('schedule') ?? runs?.error ?? undefined}
            >
              <Input value={form.schedule} onChange={set('schedule')} className="mono" autoComplete="off" />
            </Field>
            <Field label="Preset">
              <Select
                value={SCHEDULE_PRESETS.find((p) => p.cron === form.schedule.trim())?.cron ?? ''}
                onChange={(e) => e.target.value && setForm((f) => ({ ...f, schedule: e.target.value }))}
                options={[
                  { value: '', label: 'Custom' },
                  ...SCHEDULE_PRESETS.map((p) => ({ value: p.cron, label: p.label })),
                ]}
              />
            </Field>
          </div>
          <label className="row">
            <input
              type="checkbox"
              checked={form.suspend}
              onChange={(e) => setForm((f) => ({ ...f, suspend: e.target.checked }))}
            />
            Suspend scheduled runs (on-demand runs still work)
          </label>
          <div aria-live="polite">
            {form.suspend ? (
              <p className="muted">Suspended: no scheduled run until resumed.</p>
            ) : runs && runs.times.length > 0 ? (
              <>
                <p className="muted" style={{ margin: '4px 0' }}>
                  Next runs (each closes the interval since the previous tick):
                </p>
                <ul className="compliance-next-runs" aria-label="Next runs">
                  {runs.times.map((t) => (
                    <li key={t.toISOString()}>
                      <time dateTime={t.toISOString()}>
                        {t.toISOString().replace('T', ' ').slice(0, 16)} UTC
                      </time>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        </fieldset>
        <fieldset className="compliance-form__group">
          <legend>Scope</legend>
          <Field
            label="Endpoint selector"
            hint="Calico selector over endpoint labels; empty selects every endpoint"
            error={errorFor('endpointSelector')}
          >
            <Input
              value={form.endpointSelector}
              onChange={set('endpointSelector')}
              className="mono"
              placeholder="app == 'web'"
            />
          </Field>
          <div className="row compliance-form__pair">
            <Field
              label="Namespaces"
              hint="Names, one per line or comma-separated"
              error={errorFor('namespaceNames')}
            >
              <textarea
                className="ui-input mono"
                rows={2}
                value={form.namespaceNames}
                onChange={set('namespaceNames')}
              />
            </Field>
            <Field label="Namespace selector" error={errorFor('namespaceSelector')}>
              <Input
                value={form.namespaceSelector}
                onChange={set('namespaceSelector')}
                className="mono"
                placeholder="env == 'prod'"
              />
            </Field>
          </div>
          <div className="row compliance-form__pair">
            <Field
              label="Service accounts"
              hint="Names, one per line or comma-separated"
              error={errorFor('serviceAccountNames')}
            >
              <textarea
                className="ui-input mono"
                rows={2}
                value={form.serviceAccountNames}
                onChange={set('serviceAccountNames')}
              />
            </Field>
            <Field label="Service account selector" error={errorFor('serviceAccountSelector')}>
              <Input
                value={form.serviceAccountSelector}
                onChange={set('serviceAccountSelector')}
                className="mono"
              />
            </Field>
          </div>
          <Field
            label="Cluster selector"
            hint="Over cluster labels; empty covers every cluster"
            error={errorFor('clusterSelector')}
          >
            <Input
              value={form.clusterSelector}
              onChange={set('clusterSelector')}
              className="mono"
              placeholder="env == 'prod'"
            />
          </Field>
          <p className="compliance-scope-count" aria-live="polite" data-testid="scope-count">
            {!scopeValid || Object.values(problems).some((x) => x !== undefined)
              ? 'Fix the selectors to count what is in scope.'
              : count.isError
                ? `The count is unavailable: ${errorMessage(count.error)}`
                : count.data
                  ? scopeCountText(count.data)
                  : 'Counting…'}
          </p>
        </fieldset>
        {apiError && apiError.field === 'form' && (
          <p className="ui-field__error" role="alert">
            {apiError.message}
          </p>
        )}
      </form>
    </Dialog>
  );
}
