-- Inventory history (docs/decisions/0151): a compliance report over a past interval must use the
-- inventory as it was then, and list every endpoint that existed at any time in it (Calico's rule),
-- not the cluster's current inventory. Every version of every cluster_inventory row is kept with
-- the period it was in force, [valid_from, valid_to) (valid_to NULL while current).
--
-- Written where inventory arrives: statement-level triggers on cluster_inventory, so every writer
-- (the gateway's snapshot replace and delta, anything else) records history in the same
-- transaction. A snapshot deletes every row of the cluster and writes them again: a version closed
-- and written again with the same content in one transaction is reopened, not duplicated, so a
-- reconnect leaves no trace. Closed versions older than inventory_history_retention() are pruned
-- by the same triggers, per cluster, whenever that cluster's rows are deleted (every snapshot).

SET LOCAL ROLE palisade_system;

CREATE TABLE cluster_inventory_history (
  id         bigserial PRIMARY KEY,
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('namespace', 'endpoint', 'service_account', 'service')),
  namespace  text NOT NULL DEFAULT '',
  name       text NOT NULL,
  labels     jsonb NOT NULL DEFAULT '{}'::jsonb,
  data       jsonb NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to   timestamptz,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
-- One open version per row.
CREATE UNIQUE INDEX cluster_inventory_history_open_idx
  ON cluster_inventory_history (cluster_id, kind, namespace, name) WHERE valid_to IS NULL;
CREATE INDEX cluster_inventory_history_interval_idx
  ON cluster_inventory_history (org_id, cluster_id, valid_from);
CREATE INDEX cluster_inventory_history_closed_idx
  ON cluster_inventory_history (cluster_id, valid_to) WHERE valid_to IS NOT NULL;

ALTER TABLE cluster_inventory_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE cluster_inventory_history FORCE ROW LEVEL SECURITY;
CREATE POLICY cluster_inventory_history_tenant ON cluster_inventory_history
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT ON cluster_inventory_history TO palisade_app;

-- How long a closed version is kept: the furthest back a report can see what was deployed.
CREATE FUNCTION inventory_history_retention() RETURNS interval
LANGUAGE sql IMMUTABLE AS $$ SELECT interval '400 days' $$;

-- New rows (and rows whose content changed): reopen a version closed by this same transaction
-- with identical content, otherwise open a new one.
CREATE FUNCTION inventory_history_open() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE cluster_inventory_history h SET valid_to = NULL
    FROM new_rows n
   WHERE h.cluster_id = n.cluster_id AND h.kind = n.kind AND h.namespace = n.namespace
     AND h.name = n.name AND h.valid_to = now() AND h.valid_from < now()
     AND h.labels = n.labels AND h.data = n.data;
  INSERT INTO cluster_inventory_history (org_id, cluster_id, kind, namespace, name, labels, data, valid_from)
  SELECT n.org_id, n.cluster_id, n.kind, n.namespace, n.name, n.labels, n.data, now()
    FROM new_rows n
   WHERE NOT EXISTS (
     SELECT 1 FROM cluster_inventory_history h
      WHERE h.cluster_id = n.cluster_id AND h.kind = n.kind AND h.namespace = n.namespace
        AND h.name = n.name AND h.valid_to IS NULL);
  RETURN NULL;
END
$$;

CREATE FUNCTION inventory_history_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE cluster_inventory_history h SET valid_to = now()
    FROM new_rows n
   WHERE h.cluster_id = n.cluster_id AND h.kind = n.kind AND h.namespace = n.namespace
     AND h.name = n.name AND h.valid_to IS NULL AND (h.labels <> n.labels OR h.data <> n.data);
  -- A version opened by this transaction and replaced in it was never in force.
  DELETE FROM cluster_inventory_history h USING new_rows n
   WHERE h.cluster_id = n.cluster_id AND h.kind = n.kind AND h.namespace = n.namespace
     AND h.name = n.name AND h.valid_from = now() AND h.valid_to = now();
  UPDATE cluster_inventory_history h SET valid_to = NULL
    FROM new_rows n
   WHERE h.cluster_id = n.cluster_id AND h.kind = n.kind AND h.namespace = n.namespace
     AND h.name = n.name AND h.valid_to = now() AND h.valid_from < now()
     AND h.labels = n.labels AND h.data = n.data
     AND NOT EXISTS (
       SELECT 1 FROM cluster_inventory_history o
        WHERE o.cluster_id = n.cluster_id AND o.kind = n.kind AND o.namespace = n.namespace
          AND o.name = n.name AND o.valid_to IS NULL);
  INSERT INTO cluster_inventory_history (org_id, cluster_id, kind, namespace, name, labels, data, valid_from)
  SELECT n.org_id, n.cluster_id, n.kind, n.namespace, n.name, n.labels, n.data, now()
    FROM new_rows n
   WHERE NOT EXISTS (
     SELECT 1 FROM cluster_inventory_history h
      WHERE h.cluster_id = n.cluster_id AND h.kind = n.kind AND h.namespace = n.namespace
        AND h.name = n.name AND h.valid_to IS NULL);
  RETURN NULL;
END
$$;

CREATE FUNCTION inventory_history_close() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE cluster_inventory_history h SET valid_to = now()
    FROM old_rows o
   WHERE h.cluster_id = o.cluster_id AND h.kind = o.kind AND h.namespace = o.namespace
     AND h.name = o.name AND h.valid_to IS NULL;
  DELETE FROM cluster_inventory_history h USING old_rows o
   WHERE h.cluster_id = o.cluster_id AND h.kind = o.kind AND h.namespace = o.namespace
     AND h.name = o.name AND h.valid_from = now() AND h.valid_to = now();
  DELETE FROM cluster_inventory_history
   WHERE cluster_id IN (SELECT DISTINCT cluster_id FROM old_rows)
     AND valid_to < now() - inventory_history_retention();
  RETURN NULL;
END
$$;

CREATE TRIGGER cluster_inventory_history_insert AFTER INSERT ON cluster_inventory
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inventory_history_open();
CREATE TRIGGER cluster_inventory_history_update AFTER UPDATE ON cluster_inventory
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inventory_history_change();
CREATE TRIGGER cluster_inventory_history_delete AFTER DELETE ON cluster_inventory
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION inventory_history_close();

-- What is stored today has been in force since the cluster last reported it.
INSERT INTO cluster_inventory_history (org_id, cluster_id, kind, namespace, name, labels, data, valid_from)
SELECT i.org_id, i.cluster_id, i.kind, i.namespace, i.name, i.labels, i.data,
       coalesce(c.inventory_updated_at, c.created_at)
  FROM cluster_inventory i JOIN clusters c ON c.id = i.cluster_id;
