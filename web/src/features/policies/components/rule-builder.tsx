// The rule builder of the form view: the ingress or egress rules of a Calico policy, each with its
// action and every rule field (protocol, ICMP, source and destination with selectors, namespaces,
// nets, ports, service accounts and services, HTTP match, annotations), in evaluation order.
// Each input edits one path of the YAML (rule-model.ts).
import { Button } from '../../../components/ui/button';
import {
  ACTIONS,
  addRule,
  fieldText,
  moveRule,
  removeRule,
  ruleSummary,
  RULE_FIELDS,
  writeRuleField,
  type RuleDirection,
  type RuleField,
} from '../rule-model';
import { selectorError } from '../../clusters/components/inventory-endpoints';

const GROUPS = ['Match', 'ICMP', 'Source', 'Destination', 'HTTP', 'Metadata'] as const;
/** What leaving a field empty means, where that is not obvious. */
const EMPTY_HINT: Partial<Record<string, string>> = {
  'source.selector': 'empty: any endpoint',
  'destination.selector': 'empty: any endpoint',
  'source.namespaceSelector': 'empty: the policy’s namespace',
  'destination.namespaceSelector': 'empty: the policy’s namespace',
  'source.serviceAccounts.selector': 'empty: any service account',
  'destination.serviceAccounts.selector': 'empty: any service account',
};

function FieldInput({
  f,
  value,
  name,
  readOnly,
  onChange,
}: {
  f: RuleField;
  value: string;
  name: string;
  readOnly: boolean;
  onChange: (raw: string) => void;
}) {
  const isSelector = f.path[f.path.length - 1]?.toLowerCase().endsWith('selector') ?? false;
  const error = isSelector ? selectorError(value) : undefined;
  const placeholder = EMPTY_HINT[f.path.join('.')] ?? f.hint ?? '';
  return (
    <label className="rule-field">
      <span className="rule-field__label">{f.label}</span>
      {f.kind === 'choice' ? (
        <select
          className="ui-select"
          aria-label={name}
          value={value}
          disabled={readOnly}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">any</option>
          {(f.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
          {value !== '' && !(f.options ?? []).includes(value) && <option value={value}>{value}</option>}
        </select>
      ) : f.kind === 'paths' ? (
        <textarea
          className="ui-input mono"
          aria-label={name}
          rows={2}
          value={value}
          placeholder={placeholder}
          readOnly={readOnly}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          className={`ui-input${f.kind === 'text' || f.kind === 'list' || f.kind === 'ports' ? ' mono' : ''}`}
          aria-label={name}
          aria-invalid={error ? true : undefined}
          inputMode={f.kind === 'number' ? 'numeric' : undefined}
          value={value}
          placeholder={placeholder}
          readOnly={readOnly}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {error && <span className="ui-field__error">{error}</span>}
    </label>
  );
}

export function RuleBuilder({
  text,
  dir,
  rules,
  readOnly,
  onChange,
}: {
  text: string;
  dir: RuleDirection;
  rules: readonly Record<string, unknown>[];
  readOnly: boolean;
  onChange: (text: string) => void;
}) {
  const Dir = dir === 'ingress' ? 'Ingress' : 'Egress';
  return (
    <fieldset className="rule-builder" aria-label={`${Dir} rules`}>
      <legend>
        {Dir} rules <span className="muted">(first match wins)</span>
      </legend>
      {rules.length === 0 && (
        <p className="muted">
          No {dir} rules: {dir} traffic of the selected endpoints reaches the end of the tier (its default
          action) unless another policy matches it.
        </p>
      )}
      <ol className="rule-list">
        {rules.map((rule, i) => {
          const n = i + 1;
          return (
            <li key={i} className="rule-card" data-rule={`${dir}-${n}`}>
              <div className="row">
                <strong>
                  {Dir} rule {n}
                </strong>
                <select
                  className="ui-select"
                  aria-label={`${Dir} rule ${n} action`}
                  value={typeof rule['action'] === 'string' ? rule['action'] : ''}
                  disabled={readOnly}
                  onChange={(e) =>
                    onChange(writeRuleField(text, dir, i, { path: ['action'], kind: 'text' }, e.target.value))
                  }
                >
                  {ACTIONS.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
                <span className="muted mono rule-card__summary">{ruleSummary(rule)}</span>
                {!readOnly && (
                  <span className="row" style={{ marginLeft: 'auto', gap: 4 }}>
                    <Button
                      size="small"
                      variant="ghost"
                      aria-label={`Move ${dir} rule ${n} up`}
                      disabled={i === 0}
                      onClick={() => onChange(moveRule(text, dir, i, i - 1))}
                    >
                      ▲
                    </Button>
                    <Button
                      size="small"
                      variant="ghost"
                      aria-label={`Move ${dir} rule ${n} down`}
                      disabled={i === rules.length - 1}
                      onClick={() => onChange(moveRule(text, dir, i, i + 1))}
                    >
                      ▼
                    </Button>
                    <Button
                      size="small"
                      variant="ghost"
                      aria-label={`Remove ${dir} rule ${n}`}
                      onClick={() => onChange(removeRule(text, dir, i))}
                    >
                      ✕
                    </Button>
                  </span>
                )}
              </div>
              {GROUPS.map((g) => {
                const fields = RULE_FIELDS.filter((f) => f.group === g);
                const used = fields.some((f) => fieldText(rule, f) !== '');
                return (
                  <details key={g} open={used || g === 'Match'} className="rule-group">
                    <summary>
                      {g}
                      {g === 'Source' || g === 'Destination' ? (used ? '' : ' — any (no condition)') : ''}
                    </summary>
                    <div className="rule-grid">
                      {fields.map((f) => (
                        <FieldInput
                          key={f.path.join('.')}
                          f={f}
                          name={`${Dir} rule ${n} ${g === 'Source' || g === 'Destination' ? `${g.toLowerCase()} ` : ''}${f.label.toLowerCase()}`}
                          value={fieldText(rule, f)}
                          readOnly={readOnly}
                          onChange={(raw) => onChange(writeRuleField(text, dir, i, f, raw))}
                        />
                      ))}
                    </div>
                  </details>
                );
              })}
            </li>
          );
        })}
      </ol>
      {!readOnly && (
        <Button size="small" onClick={() => onChange(addRule(text, dir))}>
          Add {dir} rule
        </Button>
      )}
    </fieldset>
  );
}
