// Form view of a FelixConfiguration: which cluster object it becomes, which clusters it targets, and
// the settings Palisade validates (encryption, dataplane, flow logs), each with the validator's
// message under it. Every change is written into the YAML, which stays what is validated and saved;
// settings the form does not show are kept and listed as not validated.
import { useMemo } from 'react';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { selectorError } from '../../clusters/components/inventory-endpoints';
import {
  AGGREGATION_LABEL,
  FELIX_SETTINGS,
  felixFieldErrors,
  readFelixFields,
  writeFelixMeta,
  writeFelixSetting,
} from '../felix-form-model';

const GROUPS = ['Encryption', 'Dataplane', 'Flow logs'] as const;

export function FelixConfigurationForm({
  text,
  onChange,
  readOnly,
}: {
  text: string;
  onChange: (text: string) => void;
  readOnly: boolean;
}) {
  const fields = readFelixFields(text);
  const errors = useMemo(() => felixFieldErrors(text), [text]);
  if (!fields)
    return (
      <p className="muted">
        The form needs one well-formed FelixConfiguration document: fix the YAML first, or edit it there.
      </p>
    );
  const appliesAsMode = fields.appliesAs === '' ? 'own' : fields.appliesAs === 'default' ? 'default' : 'node';
  return (
    <form
      aria-label="FelixConfiguration settings"
      className="card stack"
      onSubmit={(e) => e.preventDefault()}
    >
      <p className="muted mono" style={{ margin: 0 }}>
        FelixConfiguration
      </p>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
        <Field
          label="Name"
          hint="Any name when it applies as default or a node; else default or node.<name>"
          error={errors.name}
        >
          <Input
            value={fields.name}
            onChange={(e) => onChange(writeFelixMeta(text, 'name', e.target.value))}
            readOnly={readOnly}
          />
        </Field>
        <Field label="Applies to" error={errors.appliesAs}>
          <Select
            value={appliesAsMode}
            disabled={readOnly}
            onChange={(e) =>
              onChange(
                writeFelixMeta(
                  text,
                  'appliesAs',
                  e.target.value === 'default' ? 'default' : e.target.value === 'node' ? 'node.' : '',
                ),
              )
            }
            options={[
              { value: 'default', label: 'Every node (the default object)' },
              { value: 'node', label: 'One node (node.<name>)' },
              { value: 'own', label: 'The object named like this document' },
            ]}
          />
        </Field>
        {appliesAsMode === 'node' && (
          <Field label="Node name" error={errors.appliesAs}>
            <Input
              value={fields.appliesAs.slice('node.'.length)}
              onChange={(e) => onChange(writeFelixMeta(text, 'appliesAs', `node.${e.target.value}`))}
              readOnly={readOnly}
            />
          </Field>
        )}
        <Field
          label="Cluster selector"
          hint="Over cluster labels; empty: every cluster"
          error={selectorError(fields.clusterSelector)}
        >
          <Input
            className="mono"
            value={fields.clusterSelector}
            onChange={(e) => onChange(writeFelixMeta(text, 'clusterSelector', e.target.value))}
            readOnly={readOnly}
          />
        </Field>
      </div>
      {GROUPS.map((group) => (
        <fieldset
          key={group}
          className="felix-form__group"
          style={{ border: '1px solid var(--border)', borderRadius: 'var(--radius)', padding: '8px 12px' }}
        >
          <legend>{group}</legend>
          <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
            {FELIX_SETTINGS.filter((s) => s.group === group).map((s) => {
              const value = fields.settings[s.field];
              const set = (v: string) => onChange(writeFelixSetting(text, s.field, v));
              const error = errors[s.field];
              switch (s.control.kind) {
                case 'boolean':
                  return (
                    <Field key={s.field} label={s.label} hint={`spec.${s.field}`} error={error}>
                      <Select
                        value={value === 'true' || value === 'false' ? value : value === '' ? '' : value}
                        disabled={readOnly}
                        onChange={(e) => set(e.target.value)}
                        options={[
                          { value: '', label: 'Unset (Felix default)' },
                          { value: 'true', label: 'Enabled' },
                          { value: 'false', label: 'Disabled' },
                          ...(value !== '' && value !== 'true' && value !== 'false'
                            ? [{ value, label: value }]
                            : []),
                        ]}
                      />
                    </Field>
                  );
                case 'choice': {
                  const options = s.control.options;
                  return (
                    <Field key={s.field} label={s.label} hint={`spec.${s.field}`} error={error}>
                      <Select
                        value={value}
                        disabled={readOnly}
                        onChange={(e) => set(e.target.value)}
                        options={[
                          { value: '', label: 'Unset (Felix default)' },
                          ...options.map((o) => ({ value: o, label: AGGREGATION_LABEL[o] ?? o })),
                          ...(value !== '' && !options.includes(value) ? [{ value, label: value }] : []),
                        ]}
                      />
                    </Field>
                  );
                }
                case 'integer':
                  return (
                    <Field key={s.field} label={s.label} hint={s.control.hint} error={error}>
                      <Input
                        inputMode="numeric"
                        value={value}
                        placeholder="Unset"
                        onChange={(e) => set(e.target.value)}
                        readOnly={readOnly}
                      />
                    </Field>
                  );
                case 'text':
                  return (
                    <Field key={s.field} label={s.label} hint={s.control.hint} error={error}>
                      <Input
                        className="mono"
                        value={value}
                        placeholder={s.control.placeholder}
                        onChange={(e) => set(e.target.value)}
                        readOnly={readOnly}
                      />
                    </Field>
                  );
              }
            })}
          </div>
        </fieldset>
      ))}
      {fields.unvalidated.length > 0 && (
        <p className="muted" role="note" style={{ margin: 0 }}>
          Also set, kept as written and not validated by Palisade: {fields.unvalidated.join(', ')}. Edit them
          in the YAML view.
        </p>
      )}
    </form>
  );
}
