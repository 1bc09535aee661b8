// Create a tier, or change a tier's order and default action, from the board. The Tier YAML is
// validated in the browser by @palisade/policy and saved through the same API as the editor.
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { usePolicyResource, useSavePolicy } from '../api';
import type { BoardTier } from '../model';
import { newTierYaml, tierProblems, withTierFields, type TierDefaultAction } from '../tier-yaml';

export function TierDialog({
  slug,
  tier,
  onClose,
}: {
  slug: string;
  /** The tier to edit; null creates one. */
  tier: BoardTier | null;
  onClose: () => void;
}) {
  const toast = useToast();
  const save = useSavePolicy(slug);
  const stored = usePolicyResource(slug, tier ? { kind: 'Tier', namespace: null, name: tier.name } : null);
  const [name, setName] = useState(tier?.name ?? '');
  const [order, setOrder] = useState(tier ? String(tier.order) : '');
  const [action, setAction] = useState<TierDefaultAction>(tier?.defaultAction === 'Pass' ? 'Pass' : 'Deny');
  const [problems, setProblems] = useState<string[]>([]);
  const loading = tier !== null && stored.isPending;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = { name, order, defaultAction: action };
    const yaml = tier ? withTierFields(stored.data?.yaml ?? '', fields) : newTierYaml(fields);
    const found = tierProblems(yaml);
    if (!tier && name.trim() === '') found.unshift('Enter a name.');
    setProblems(found);
    if (found.length > 0) return;
    save.mutate(
      { yaml, existing: tier !== null },
      {
        onSuccess: (r) => {
          toast.show({ title: `Tier ${r.name} ${tier ? 'saved' : 'created'}`, tone: 'ok' });
          onClose();
        },
        onError: (err) => setProblems([errorMessage(err)]),
      },
    );
  };
  return (
    <Dialog open title={tier ? `Edit tier ${tier.name}` : 'New tier'} onClose={onClose}>
      <form onSubmit={submit} noValidate className="stack" aria-label="Tier">
        <p className="muted">
          Tiers run in order, lowest first. A policy in a tier that matches but has no rule for a flow gets
          the tier’s default action: Deny ends evaluation, Pass hands the flow to the next tier.
        </p>
        <Field label="Tier name" hint="Lower-case letters, digits and dashes">
          <Input
            value={name}
            onChange={(e) => setName(e.target.value)}
            readOnly={tier !== null}
            autoComplete="off"
            className="mono"
          />
        </Field>
        <Field label="Tier order" hint="Lower runs first (the default tier is 1,000,000)">
          <Input inputMode="decimal" value={order} onChange={(e) => setOrder(e.target.value)} />
        </Field>
        <Field label="Default action">
          <Select
            value={action}
            onChange={(e) => setAction(e.target.value === 'Pass' ? 'Pass' : 'Deny')}
            options={[
              { value: 'Deny', label: 'Deny' },
              { value: 'Pass', label: 'Pass' },
            ]}
          />
        </Field>
        {stored.isError && (
          <p className="ui-field__error" role="alert">
            {errorMessage(stored.error)}
          </p>
        )}
        {problems.length > 0 && (
          <ul className="validation-list" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <div className="ui-dialog__actions">
          {tier && (
            <Link
              to="/o/$slug/policies/editor"
              params={{ slug }}
              search={{ kind: 'Tier', name: tier.name }}
              style={{ marginRight: 'auto' }}
            >
              Open YAML
            </Link>
          )}
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.isPending} disabled={loading}>
            {tier ? 'Save tier' : 'Create tier'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
