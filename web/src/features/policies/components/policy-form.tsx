// Form view of a whole policy: name, namespace, tier, order, selectors (endpoint, namespace,
// service account, cluster), policy types, staged action, the GlobalNetworkPolicy flags, and the
// ingress and egress rules in a rule builder; beside it, what the selectors select right now in
// each targeted cluster. Each change is written into the YAML, which stays what is validated and
// saved.
import { isStagedKind, isTieredKind, KIND_PLACEMENTS } from '@palisade/policy/managed';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { selectorError } from '../../clusters/components/inventory-endpoints';
import {
  readFormFields,
  writeFlag,
  writeFormField,
  type FlagField,
  type FormField,
} from '../policy-form-model';
import { readRules } from '../rule-model';
import { isGlobalPolicy, selectionSentence } from '../selection';
import { RuleBuilder } from './rule-builder';
import { SelectionPreview } from './selection-preview';

/** Kinds (as a document spells them) that live in a namespace. */
const NAMESPACED = new Set(
  Object.values(KIND_PLACEMENTS)
    .filter((p) => p.namespaced)
    .map((p) => p.apiKind),
);

const FLAGS: readonly { flag: FlagField; label: string }[] = [
  { flag: 'doNotTrack', label: 'Do not track (applies before connection tracking)' },
  { flag: 'preDNAT', label: 'Pre-DNAT (host endpoints, before DNAT)' },
  { flag: 'applyOnForward', label: 'Apply on forwarded traffic' },
];

export function PolicyForm({
  slug,
  text,
  onChange,
  readOnly,
}: {
  slug: string;
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
  const global = isGlobalPolicy(fields.kind);
  const toggleType = (t: string, on: boolean) =>
    onChange(
      writeFormField(
        text,
        'types',
        on ? [...new Set([...fields.types, t])] : fields.types.filter((x) => x !== t),
      ),
    );
  const sentence = selectionSentence(fields);
  const ingress = readRules(text, 'ingress') ?? [];
  const egress = readRules(text, 'egress') ?? [];
  return (
    <div className="stack">
      <form aria-label="Policy fields" className="card stack" onSubmit={(e) => e.preventDefault()}>
        <p className="muted mono" style={{ margin: 0 }}>
          {fields.kind || 'no kind'}
        </p>
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
              <Field
                label="Endpoint selector"
                hint={sentence.everything ? 'Empty selects every endpoint — see below' : 'Endpoint labels'}
                error={selectorError(fields.selector)}
              >
                <Input
                  className="mono"
                  value={fields.selector}
                  placeholder="all(): every endpoint"
                  onChange={set('selector')}
                  readOnly={readOnly}
                />
              </Field>
              {global && (
                <Field
                  label="Namespace selector"
                  hint="Namespace labels; empty: every namespace"
                  error={selectorError(fields.namespaceSelector)}
                >
                  <Input
                    className="mono"
                    value={fields.namespaceSelector}
                    onChange={set('namespaceSelector')}
                    readOnly={readOnly}
                  />
                </Field>
              )}
              <Field
                label="Service account selector"
                hint="Labels of the endpoints’ service accounts; empty: any"
                error={selectorError(fields.serviceAccountSelector)}
              >
                <Input
                  className="mono"
                  value={fields.serviceAccountSelector}
                  onChange={set('serviceAccountSelector')}
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
          {isStagedKind(fields.kind) && (
            <Field label="Staged action" hint="Set stages this policy; Delete stages its removal">
              <select
                className="ui-select"
                value={fields.stagedAction}
                disabled={readOnly}
                onChange={set('stagedAction')}
              >
                <option value="">Set (default)</option>
                <option value="Set">Set</option>
                <option value="Delete">Delete</option>
              </select>
            </Field>
          )}
        </div>
        {calico && (
          <p
            className={sentence.everything ? 'selection-warning' : 'muted'}
            role={sentence.everything ? 'note' : undefined}
            data-testid="selection-sentence"
          >
            {sentence.text}
          </p>
        )}
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
        {global && (
          <fieldset className="row" style={{ border: 0, padding: 0, flexWrap: 'wrap' }}>
            <legend className="muted">Global options</legend>
            {FLAGS.map(({ flag, label }) => (
              <label key={flag} className="row">
                <input
                  type="checkbox"
                  checked={fields[flag]}
                  disabled={readOnly}
                  onChange={(e) => onChange(writeFlag(text, flag, e.target.checked))}
                />
                {label}
              </label>
            ))}
          </fieldset>
        )}
      </form>
      {calico && (
        <>
          {(fields.types.includes('Ingress') || ingress.length > 0) && (
            <RuleBuilder text={text} dir="ingress" rules={ingress} readOnly={readOnly} onChange={onChange} />
          )}
          {(fields.types.includes('Egress') || egress.length > 0) && (
            <RuleBuilder text={text} dir="egress" rules={egress} readOnly={readOnly} onChange={onChange} />
          )}
          <SelectionPreview slug={slug} scope={fields} clusterSelector={fields.clusterSelector} />
        </>
      )}
      {!calico && fields.kind.includes('Kubernetes') && (
        <p className="muted">The rules of a Kubernetes NetworkPolicy are edited in the YAML view.</p>
      )}
    </div>
  );
}
