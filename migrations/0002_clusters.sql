-- Clusters: registration, enrollment, the long-lived cluster credential, status written from the
-- gateway's ownership lease, and the inventory the agent reports.
--
-- Role palisade_gateway: what cluster gateways connect as. Gateways serve every organisation's
-- tunnels, so it bypasses RLS, but it is granted only the cluster tables (never users, members,
-- tokens or audit) and never DELETE on clusters.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'palisade_gateway') THEN
    CREATE ROLE palisade_gateway LOGIN BYPASSRLS;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO palisade_gateway;
SET LOCAL ROLE palisade_system;

CREATE TABLE clusters (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name                     text NOT NULL CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  labels                   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(labels) = 'object'),
  created_at               timestamptz NOT NULL DEFAULT now(),
  -- Enrollment: one-time token (SHA-256), valid 24 h; re-registering replaces it.
  enrollment_token_hash    bytea UNIQUE,
  enrollment_expires_at    timestamptz,
  -- The long-lived credential (SHA-256) the gateway issues in exchange for the enrollment token
  -- and rotates in-band. NULL = revoked / not enrolled.
  credential_hash          bytea UNIQUE,
  credential_issued_at     timestamptz,
  -- Status, written by the gateway that holds the lease (fenced by lease_epoch).
  lease_epoch              bigint NOT NULL DEFAULT 0,
  first_connected_at       timestamptz,
  last_seen_at             timestamptz,
  connected                boolean NOT NULL DEFAULT false,
  gateway_id               text,
  agent_version            text,
  kubernetes_version       text,
  calico_version           text,
  provider                 text CHECK (provider IN ('kubernetes', 'simulated')),
  inventory_revision       bigint NOT NULL DEFAULT 0,
  inventory_updated_at     timestamptz,
  UNIQUE (org_id, name)
);
CREATE INDEX clusters_org_idx ON clusters (org_id, name);

-- Inventory: one row per object the agent reports, replaced wholesale on a snapshot and patched
-- by deltas. kind: namespace | endpoint | service_account | service. `data` holds the object as
-- the protocol describes it (labels, IPs, ports, service account, node, selector, …).
CREATE TABLE cluster_inventory (
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('namespace', 'endpoint', 'service_account', 'service')),
  namespace  text NOT NULL DEFAULT '',
  name       text NOT NULL,
  labels     jsonb NOT NULL DEFAULT '{}'::jsonb,
  data       jsonb NOT NULL,
  PRIMARY KEY (cluster_id, kind, namespace, name)
);
CREATE INDEX cluster_inventory_org_idx ON cluster_inventory (org_id, cluster_id, kind, namespace, name);

ALTER TABLE clusters ENABLE ROW LEVEL SECURITY;
ALTER TABLE clusters FORCE ROW LEVEL SECURITY;
CREATE POLICY clusters_tenant ON clusters
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE cluster_inventory ENABLE ROW LEVEL SECURITY;
ALTER TABLE cluster_inventory FORCE ROW LEVEL SECURITY;
CREATE POLICY cluster_inventory_tenant ON cluster_inventory
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT, INSERT, UPDATE, DELETE ON clusters TO palisade_app;
GRANT SELECT ON cluster_inventory TO palisade_app;

GRANT SELECT, UPDATE ON clusters TO palisade_gateway;
GRANT SELECT, INSERT, UPDATE, DELETE ON cluster_inventory TO palisade_gateway;
GRANT SELECT ON organizations TO palisade_gateway;

-- The install manifest is fetched with only the enrollment token in the URL, before any tenant is
-- known: this definer function is the narrow door, returning just what the manifest needs.
CREATE FUNCTION cluster_enrollment_lookup(p_hash bytea)
RETURNS TABLE (cluster_id uuid, cluster_name text, org_slug text, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c.id, c.name, o.slug, c.enrollment_expires_at
    FROM clusters c JOIN organizations o ON o.id = c.org_id
   WHERE c.enrollment_token_hash = p_hash
$$;
REVOKE ALL ON FUNCTION cluster_enrollment_lookup(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cluster_enrollment_lookup(bytea) TO palisade_app;
