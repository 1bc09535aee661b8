// The organisation's recommendation scope: whether the job refreshes recommendations, how often,
// from how much history, when one counts as stable, which namespaces get none, and whether
// same-namespace traffic is allowed or passed. The API checks the ranges and names a bad field.
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import type { IntraNamespaceTraffic, PolicyRecommendationsQuery } from '../../../generated/graphql';
import { nameListOf, useSetRecommendationScope } from '../api';

type Scope = PolicyRecommendationsQuery['organization']['recommendationScope'];

export function ScopeDialog({ slug, scope, onClose }: { slug: string; scope: Scope; onClose: () => void }) {
  const save = useSetRecommendationScope(slug);
  const [enabled, setEnabled] = useState(scope.enabled);
  const [interval, setInterval] = useState(String(scope.intervalSeconds));
  const [lookback, setLookback] = useState(String(scope.initialLookbackSeconds / 3600));
  const [stable, setStable] = useState(String(scope.stabilizationSeconds / 60));
  const [prefixes, setPrefixes] = useState(scope.excludedNamespacePrefixes.join(', '));
  const [intra, setIntra] = useState<IntraNamespaceTraffic>(scope.intraNamespace);
  const whole = (v: string) => (/^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN);
  const submit = () =>
    save.mutate(
      {
        enabled,
        intervalSeconds: Math.round(whole(interval)),
        initialLookbackSeconds: Math.round(whole(lookback) * 3600),
        stabilizationSeconds: Math.round(whole(stable) * 60),
        excludedNamespacePrefixes: nameListOf(prefixes),
        intraNamespace: intra,
      },
      { onSuccess: onClose },
    );
  const bad = [interval, lookback, stable].some((v) => Number.isNaN(whole(v)));
  return (
    <Dialog
      open
      title="Recommendation settings"
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={save.isPending} disabled={bad} onClick={submit}>
            Save settings
          </Button>
        </>
      }
    >
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!bad) submit();
        }}
      >
        <label className="row">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Refresh recommendations automatically as flows arrive
        </label>
        <Field label="Refresh every (seconds)" hint="30 to 86400">
          <Input inputMode="numeric" value={interval} onChange={(e) => setInterval(e.target.value)} />
        </Field>
        <Field label="Build from the last (hours)" hint="0.25 to 720">
          <Input inputMode="decimal" value={lookback} onChange={(e) => setLookback(e.target.value)} />
        </Field>
        <Field label="Stable after (minutes without change)" hint="0 to 1440">
          <Input inputMode="decimal" value={stable} onChange={(e) => setStable(e.target.value)} />
        </Field>
        <Field
          label="Excluded namespace prefixes"
          hint="Comma-separated; these namespaces get no recommendation"
        >
          <Input value={prefixes} onChange={(e) => setPrefixes(e.target.value)} className="mono" />
        </Field>
        <Field label="Traffic inside a namespace">
          <Select
            value={intra}
            onChange={(e) => setIntra(e.target.value as IntraNamespaceTraffic)}
            options={[
              { value: 'ALLOW', label: 'Allow it (one rule)' },
              { value: 'PASS', label: 'Pass it to the next tiers' },
            ]}
          />
        </Field>
        {save.error && (
          <p className="ui-field__error" role="alert">
            {errorMessage(save.error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
