// How protocol inventory items map to `cluster_inventory` rows: one row per object, keyed by
// (kind, namespace, name), the object itself in `data`. Namespaces are cluster-scoped, so their
// namespace column is ''. Within one batch the last occurrence of a key wins, because Postgres
// refuses to upsert the same key twice in one statement.
import type { InventoryDeletes, InventoryItems, JsonObject, Labels } from '@palisade/protocol';

export type InventoryKind = 'namespace' | 'endpoint' | 'service_account' | 'service';

export interface InventoryRow {
  kind: InventoryKind;
  namespace: string;
  name: string;
  labels: Labels;
  data: JsonObject;
}

export interface RowKey {
  kind: InventoryKind;
  namespace: string;
  name: string;
}

export function rowsOf(items: InventoryItems): InventoryRow[] {
  const rows = new Map<string, InventoryRow>();
  const add = (row: InventoryRow): void => {
    rows.set(inventoryRowKey(row), row);
  };
  for (const ns of items.namespaces) {
    add({ kind: 'namespace', namespace: '', name: ns.name, labels: ns.labels, data: asJson(ns) });
  }
  for (const ep of items.endpoints) {
    add({ kind: 'endpoint', namespace: ep.namespace, name: ep.name, labels: ep.labels, data: asJson(ep) });
  }
  for (const sa of items.serviceAccounts) {
    add({
      kind: 'service_account',
      namespace: sa.namespace,
      name: sa.name,
      labels: sa.labels,
      data: asJson(sa),
    });
  }
  for (const svc of items.services) {
    add({ kind: 'service', namespace: svc.namespace, name: svc.name, labels: svc.labels, data: asJson(svc) });
  }
  return [...rows.values()];
}

export function deletedKeys(deletes: InventoryDeletes): { namespaces: string[]; keys: RowKey[] } {
  const keys: RowKey[] = [
    ...deletes.endpoints.map((r) => ({ kind: 'endpoint' as const, ...r })),
    ...deletes.serviceAccounts.map((r) => ({ kind: 'service_account' as const, ...r })),
    ...deletes.services.map((r) => ({ kind: 'service' as const, ...r })),
  ];
  return { namespaces: [...deletes.namespaces], keys };
}

export function itemCount(items: InventoryItems): number {
  return (
    items.namespaces.length + items.endpoints.length + items.serviceAccounts.length + items.services.length
  );
}

/** One string per inventory row (kind, namespace, name), to deduplicate rows. */
export function inventoryRowKey(key: Pick<RowKey, 'namespace' | 'name'> & { kind: string }): string {
  // eslint-disable-next-line palisade/one-home -- inventory items (endpoints, services, …), not managed resources
  return `${key.kind}\u0000${key.namespace}\u0000${key.name}`;
}

// The protocol's item interfaces are JSON by construction (the codec produced them from JSON).
function asJson(value: object): JsonObject {
  return value as JsonObject;
}
