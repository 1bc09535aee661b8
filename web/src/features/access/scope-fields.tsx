// The two inputs that limit a role (members, invitations, API tokens): a cluster selector and tiers.
import { Field } from '../../components/ui/field';
import { Input } from '../../components/ui/input';
import type { ScopeForm } from './scope';

export function ScopeFields({
  value,
  onChange,
  errors,
}: {
  value: ScopeForm;
  onChange: (next: ScopeForm) => void;
  errors: { clusterSelector?: string | undefined; tiers?: string | undefined };
}) {
  return (
    <>
      <Field
        label="Limit to clusters"
        hint='A selector over cluster labels, e.g. env == "staging"; empty: every cluster.'
        error={errors.clusterSelector}
      >
        <Input
          value={value.clusterSelector}
          onChange={(e) => onChange({ ...value, clusterSelector: e.target.value })}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <Field
        label="Limit to tiers"
        hint="Tier names, separated by commas; empty: every tier. A tier-limited role reads no flows or reports."
        error={errors.tiers}
      >
        <Input
          value={value.tiers}
          onChange={(e) => onChange({ ...value, tiers: e.target.value })}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
    </>
  );
}
