// What agents do when someone changes a managed object behind Palisade's back: report the drift,
// or also revert it. Per resource (or "organisation default"), and the organisation's default.
import { DRIFT_MODES } from '@palisade/policy/managed';
import { Select } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../components/ui/error-state';
import type { DriftMode } from '../../../generated/graphql';
import { useSetDriftMode, type ResourceRef } from '../api';

const LABELS: Record<DriftMode, string> = { REPORT: 'Report drift', REVERT: 'Revert drift' };
const INHERIT = 'INHERIT';

export function DriftModeSelect({
  slug,
  resource,
  value,
  effective,
  disabled,
}: {
  slug: string;
  /** Null: the organisation's default. */
  resource: ResourceRef | null;
  value: DriftMode | null;
  effective: DriftMode;
  disabled: boolean;
}) {
  const set = useSetDriftMode(slug);
  const toast = useToast();
  const options = [
    ...(resource
      ? [{ value: INHERIT, label: `Organisation default (${LABELS[effective].toLowerCase()})` }]
      : []),
    ...DRIFT_MODES.map((m) => {
      const mode = m.toUpperCase() as DriftMode;
      return { value: mode, label: LABELS[mode] };
    }),
  ];
  return (
    <Select
      aria-label={resource ? 'On drift' : 'Default on drift'}
      options={options}
      value={value ?? (resource ? INHERIT : effective)}
      disabled={disabled || set.isPending}
      onChange={(e) => {
        const mode = e.target.value === INHERIT ? null : (e.target.value as DriftMode);
        set.mutateAsync({ ref: resource, mode }).then(
          () => toast.show({ title: 'Drift mode saved', tone: 'ok' }),
          (err: unknown) =>
            toast.show({ title: 'Drift mode not saved', body: errorMessage(err), tone: 'danger' }),
        );
      }}
    />
  );
}
