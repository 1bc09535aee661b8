// The unit of change a provider reports: objects to upsert and references to delete, in the
// protocol's own shapes, so nothing above the provider interface converts anything. A delta asserts
// state ("this object is now so", "this one is gone"), which makes re-sending one harmless.

import type { InventoryDeletes, InventoryItems } from '@palisade/protocol';

export interface InventoryDelta {
  readonly upserts: InventoryItems;
  readonly deletes: InventoryDeletes;
}

export interface InventoryCounts {
  namespaces: number;
  endpoints: number;
  serviceAccounts: number;
  services: number;
}

export function emptyItems(): InventoryItems {
  return { namespaces: [], endpoints: [], serviceAccounts: [], services: [] };
}

export function emptyDeletes(): InventoryDeletes {
  return { namespaces: [], endpoints: [], serviceAccounts: [], services: [] };
}

export function deltaSize(delta: InventoryDelta): number {
  const { upserts: u, deletes: d } = delta;
  return (
    u.namespaces.length +
    u.endpoints.length +
    u.serviceAccounts.length +
    u.services.length +
    d.namespaces.length +
    d.endpoints.length +
    d.serviceAccounts.length +
    d.services.length
  );
}
