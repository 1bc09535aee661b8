// Drift mode: what an agent does when a managed object in its cluster no longer matches what
// Palisade applied. `report` (the default) only reports it; `revert` reports it and puts the object
// back. A resource may set its own mode; otherwise the organisation's default applies, and an
// organisation that never chose one has DEFAULT_DRIFT_MODE. The one place that resolves a mode.
import type { PolicyResource } from '../resources/types.js';
import { DRIFT_MODE_ANNOTATION } from './metadata.js';

export const DRIFT_MODES = ['report', 'revert'] as const;
export type DriftMode = (typeof DRIFT_MODES)[number];

/** Reverting is what an organisation opts into; reporting changes nothing in the cluster. */
export const DEFAULT_DRIFT_MODE: DriftMode = 'report';

/** A stored or sent value read as a drift mode; null for anything else (unset, unknown). */
export function parseDriftMode(value: string | null | undefined): DriftMode | null {
  return value === 'report' || value === 'revert' ? value : null;
}

/** The organisation's default from its stored setting (null when it never chose one). */
export function orgDriftMode(setting: string | null | undefined): DriftMode {
  return parseDriftMode(setting) ?? DEFAULT_DRIFT_MODE;
}

/** The mode in force for a resource: its own, else the organisation's default. */
export function effectiveDriftMode(own: string | null | undefined, orgDefault: DriftMode): DriftMode {
  return parseDriftMode(own) ?? orgDefault;
}

/** The mode a pushed object carries in its annotation; DEFAULT_DRIFT_MODE when it carries none. */
export function driftModeOf(resource: Pick<PolicyResource, 'metadata'>): DriftMode {
  return parseDriftMode(resource.metadata.annotations?.[DRIFT_MODE_ANNOTATION]) ?? DEFAULT_DRIFT_MODE;
}
