// The explorer's controls: time range, clusters and sort as selects, and the Goldmane filter as
// removable chips composed one at a time — pick a field, type or pick a value (suggested from the
// flows the rest of the filter matches), optionally as a substring, add.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { useDebounced } from '../../../lib/use-debounced';
import { useFlowHints } from '../api';
import {
  CHIP_FIELDS,
  CHIP_KEYS,
  DEFAULT_RANGE,
  RANGES,
  RANGE_LABELS,
  SORTS,
  chipText,
  chipValueError,
  chipsOf,
  toFlowFilter,
  withChip,
  withoutChip,
  type ChipKey,
  type FlowSearch,
  type RangeKey,
} from '../search';

export interface FlowFilterBarProps {
  slug: string;
  search: FlowSearch;
  clusters: readonly string[];
  /** When the relative time range was anchored (hints use the same window as the table). */
  anchor: number;
  onChange: (next: FlowSearch) => void;
}

const ALL_CLUSTERS = '';

function ChipComposer({ slug, search, anchor, onChange }: Omit<FlowFilterBarProps, 'clusters'>) {
  const [key, setKey] = useState<ChipKey>('srcNs');
  const [value, setValue] = useState('');
  const [fuzzy, setFuzzy] = useState(false);
  const [error, setError] = useState<string>();
  // Suggestions are asked for once the composer is used, not with the page: on a large history
  // the walk would share the API's connections with the first page of the table (decision 0200).
  const [used, setUsed] = useState(false);
  const field = CHIP_FIELDS[key];
  const typed = useDebounced(value.trim());
  // Suggestions come from the flows the other chips match, narrowed by what is being typed.
  const hintSearch = withoutField(search, key);
  const hintFilter = toFlowFilter(
    field.hint && typed && field.fuzzy ? withChip(hintSearch, key, `~${typed}`) : hintSearch,
    anchor,
  );
  const hints = useFlowHints(slug, used ? field.hint : undefined, hintFilter);
  const suggestions = field.hint ? (hints.data ?? []) : (field.choices ?? []);
  const listId = `flow-hints-${key}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = field.kind === 'choice' ? value || (field.choices?.[0] ?? '') : value.trim();
    const full = fuzzy && field.fuzzy ? `~${v}` : v;
    const problem = chipValueError(key, full);
    setError(problem ?? undefined);
    if (problem) return;
    onChange(withChip(search, key, full));
    setValue('');
  };

  return (
    <form className="flow-composer" onSubmit={submit} onFocus={() => setUsed(true)} aria-label="Add a filter">
      <Field label="Filter on">
        <Select
          value={key}
          onChange={(e) => {
            setKey(e.target.value as ChipKey);
            setValue('');
            setFuzzy(false);
            setError(undefined);
          }}
          options={CHIP_KEYS.map((k) => ({ value: k, label: CHIP_FIELDS[k].label }))}
        />
      </Field>
      {field.kind === 'choice' ? (
        <Field label="Value" error={error}>
          <Select
            value={value || (field.choices?.[0] ?? '')}
            onChange={(e) => setValue(e.target.value)}
            options={(field.choices ?? []).map((c) => ({ value: c, label: field.choiceLabel?.(c) ?? c }))}
          />
        </Field>
      ) : (
        <Field label="Value" error={error}>
          <Input
            value={value}
            list={suggestions.length > 0 ? listId : undefined}
            inputMode={field.kind === 'port' ? 'numeric' : undefined}
            placeholder={field.kind === 'port' ? 'e.g. 443' : 'type or pick a value'}
            autoComplete="off"
            onChange={(e) => setValue(e.target.value)}
          />
        </Field>
      )}
      {suggestions.length > 0 && field.kind !== 'choice' && (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
      {field.fuzzy && (
        <label className="flow-composer__fuzzy">
          <input type="checkbox" checked={fuzzy} onChange={(e) => setFuzzy(e.target.checked)} /> Contains
        </label>
      )}
      <Button type="submit">Add filter</Button>
    </form>
  );
}

function withoutField(s: FlowSearch, key: ChipKey): FlowSearch {
  const next = { ...s };
  delete next[key];
  return next;
}

export function FlowFilterBar({ slug, search, clusters, anchor, onChange }: FlowFilterBarProps) {
  const chips = chipsOf(search);
  const cluster = search.clusters?.[0] ?? ALL_CLUSTERS;
  return (
    <div className="flow-filters">
      <div className="flow-filters__row">
        <Field label="Time range">
          <Select
            value={search.range ?? DEFAULT_RANGE}
            onChange={(e) => onChange({ ...search, range: e.target.value as RangeKey })}
            options={RANGES.map((r) => ({ value: r, label: RANGE_LABELS[r] }))}
          />
        </Field>
        <Field label="Cluster">
          <Select
            value={cluster}
            onChange={(e) => {
              const next = { ...search };
              if (e.target.value === ALL_CLUSTERS) delete next.clusters;
              else next.clusters = [e.target.value];
              onChange(next);
            }}
            options={[
              { value: ALL_CLUSTERS, label: 'All clusters' },
              ...[...new Set([...clusters, ...(search.clusters ?? [])])].map((c) => ({ value: c, label: c })),
            ]}
          />
        </Field>
        <Field label="Sort">
          <Select
            value={search.sort ?? 'TIME'}
            onChange={(e) => onChange({ ...search, sort: e.target.value as NonNullable<FlowSearch['sort']> })}
            options={SORTS}
          />
        </Field>
      </div>
      <ChipComposer slug={slug} search={search} anchor={anchor} onChange={onChange} />
      {chips.length > 0 && (
        <ul className="flow-chips" aria-label="Active filters">
          {chips.map(({ key, value }) => (
            <li key={`${key}=${value}`} className="flow-chip">
              <span>
                {CHIP_FIELDS[key].label}: <strong>{chipText(key, value)}</strong>
              </span>
              <button
                type="button"
                className="flow-chip__remove"
                aria-label={`Remove filter ${CHIP_FIELDS[key].label}: ${chipText(key, value)}`}
                onClick={() => onChange(withoutChip(search, key, value))}
              >
                ×
              </button>
            </li>
          ))}
          <li>
            <Button
              variant="ghost"
              size="small"
              onClick={() => {
                const next: FlowSearch = {};
                if (search.range) next.range = search.range;
                if (search.clusters) next.clusters = search.clusters;
                if (search.sort) next.sort = search.sort;
                onChange(next);
              }}
            >
              Clear filters
            </Button>
          </li>
        </ul>
      )}
    </div>
  );
}
