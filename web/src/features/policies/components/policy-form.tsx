// Form view of the common policy fields (name, namespace, tier, order, selector, cluster selector,
// policy types). Each change is written into the YAML, which stays what is validated and saved.
import { isTieredKind, KIND_PLACEMENTS } from '@palisade/policy/managed';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { selectorError } from '../../clusters/components/inventory-endpoints';
import { readFormFields, writeFormField, type FormField } from '../policy-form-model';

/** Kinds (as a document spells them) that live in a namespace. */
const NAMESPACED = new Set(
  Object.values(KIND_PLACEMENTS)
    .filter((p) => p.namespaced)
    .map((p) => p.apiKind),
);

export function PolicyForm({
  text,
  onChange,
  readOnly,
}: {
  text: string;
  onChange: (text: string) => void;
  readOnly: boolean;
}) {
  const fields = readFormFields(text);
  if (!fields)
    return (
      <p className="muted">
        The form needs one well-formed YAML document: fix the YAML first, or edit it there.
      </p>
    );
  const set = (field: FormField) => (e: { target: { value: string } }) =>
    onChange(writeFormField(text, field, e.target.value));
  const calico = isTieredKind(fields.kind);
  const toggleType = (t: string, on: boolean) =>
    onChange(
      writeFormField(
        text,
        'types',
        on ? [...new Set([...fields.types, t])] : fields.types.filter((x) => x !== t),
      ),
    );
  return (
    <form aria-label="Policy fields" className="card" onSubmit={(e) => e.preventDefault()}>
      <p className="muted mono">{fields.kind || 'no kind'}</p>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
        <Field label="Name">
          <Input value={fields.name} onChange={set('name')} readOnly={readOnly} />
        </Field>
        {NAMESPACED.has(fields.kind) && (
          <Field label="Namespace">
            <Input value={fields.namespace} onChange={set('namespace')} readOnly={readOnly} />
          </Field>
        )}
        {calico && (
          <>
            <Field label="Tier" hint="Empty: default">
              <Input value={fields.tier} onChange={set('tier')} readOnly={readOnly} />
            </Field>
            <Field label="Order" hint="Lower runs first; empty runs last">
              <Input inputMode="decimal" value={fields.order} onChange={set('order')} readOnly={readOnly} />
            </Field>
            <Field label="Endpoint selector" error={selectorError(fields.selector)}>
              <Input
                className="mono"
                value={fields.selector}
                onChange={set('selector')}
                readOnly={readOnly}
              />
            </Field>
          </>
        )}
        <Field
          label="Cluster selector"
          hint="Over cluster labels; empty: every cluster"
          error={selectorError(fields.clusterSelector)}
        >
          <Input
            className="mono"
            value={fields.clusterSelector}
            onChange={set('clusterSelector')}
            readOnly={readOnly}
          />
        </Field>
      </div>
      {calico && (
        <fieldset className="row" style={{ border: 0, padding: 0 }}>
          <legend className="muted">Policy types</legend>
          {['Ingress', 'Egress'].map((t) => (
            <label key={t} className="row">
              <input
                type="checkbox"
                checked={fields.types.includes(t)}
                disabled={readOnly}
                onChange={(e) => toggleType(t, e.target.checked)}
              />
              {t}
            </label>
          ))}
        </fieldset>
      )}
    </form>
  );
}
