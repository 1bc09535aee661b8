-- Policy management: the organisation's stored Calico / Kubernetes resources, their immutable
-- revisions, per-organisation policy settings, and the rollout state shared with the gateways
-- (docs/decisions/0008 and 0009).
--
-- policy_resources     one row per stored resource; `object` is the validated, defaulted resource in
--                      canonical form, Palisade's annotation palisade.io/cluster-selector included
--                      (mirrored in cluster_selector, '' = every cluster).
-- policy_revisions     append-only history: every change writes one row (object NULL = deleted).
--                      Rows outlive their resource (no foreign key to it), so a deleted resource can
--                      still be inspected and restored.
-- org_policy_settings  the organisation's default drift mode; its row is also the per-organisation
--                      lock that serialises policy writes and desired-state recomputation.
-- cluster_desired_state  per cluster: what it should run (written by the API).
-- cluster_sync_status / cluster_resource_status  what the agent reported (written by gateways).

SET LOCAL ROLE palisade_system;

CREATE TABLE policy_resources (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('Tier', 'NetworkPolicy', 'GlobalNetworkPolicy',
                     'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy',
                     'NetworkSet', 'GlobalNetworkSet', 'KubernetesNetworkPolicy')),
  namespace        text NOT NULL DEFAULT '',
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 253),
  -- Set exactly on the tiered kinds (Calico policies and their staged variants).
  tier             text CHECK ((tier IS NOT NULL) = (kind IN ('NetworkPolicy', 'GlobalNetworkPolicy',
                     'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy'))),
  cluster_selector text NOT NULL DEFAULT '',
  drift_mode       text CHECK (drift_mode IN ('report', 'revert')),
  revision         integer NOT NULL CHECK (revision >= 1),
  object           jsonb NOT NULL CHECK (jsonb_typeof(object) = 'object'),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, kind, namespace, name)
);
CREATE INDEX policy_resources_org_tier_idx ON policy_resources (org_id, tier) WHERE tier IS NOT NULL;

CREATE TABLE policy_revisions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  resource_id uuid NOT NULL,
  kind        text NOT NULL,
  namespace   text NOT NULL DEFAULT '',
  name        text NOT NULL,
  revision    integer NOT NULL CHECK (revision >= 1),
  object      jsonb,
  change      text NOT NULL CHECK (change IN ('created', 'configured', 'deleted', 'rolled_back', 'promoted', 'reordered')),
  actor_type  text NOT NULL CHECK (actor_type IN ('user', 'token', 'system')),
  actor_id    text,
  actor_label text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (resource_id, revision),
  CHECK ((object IS NULL) = (change = 'deleted'))
);
CREATE INDEX policy_revisions_org_ref_idx ON policy_revisions (org_id, kind, namespace, name, revision DESC);

CREATE FUNCTION policy_revisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'policy revisions are immutable (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER policy_revisions_no_update BEFORE UPDATE OR DELETE ON policy_revisions
  FOR EACH ROW EXECUTE FUNCTION policy_revisions_immutable();

CREATE TABLE org_policy_settings (
  org_id             uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  default_drift_mode text NOT NULL DEFAULT 'report' CHECK (default_drift_mode IN ('report', 'revert')),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Rollout. `resources` is the complete array to apply, in canonical order, each object stripped of
-- palisade.io/cluster-selector and carrying the managed-by label and the effective drift mode.
-- `generation` increases by one whenever `resource_set_hash` changes.
CREATE TABLE cluster_desired_state (
  cluster_id        uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE,
  org_id            uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  generation        bigint NOT NULL CHECK (generation >= 1),
  resource_set_hash text NOT NULL,
  resources         jsonb NOT NULL CHECK (jsonb_typeof(resources) = 'array'),
  computed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cluster_desired_state_org_idx ON cluster_desired_state (org_id);

CREATE TABLE cluster_sync_status (
  cluster_id         uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE,
  org_id             uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  applied_generation bigint NOT NULL DEFAULT 0,
  status             text NOT NULL CHECK (status IN ('IN_SYNC', 'PENDING', 'FAILED', 'DRIFTED')),
  error              text,
  reported_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cluster_sync_status_org_idx ON cluster_sync_status (org_id);

CREATE TABLE cluster_resource_status (
  cluster_id    uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  org_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  resource_kind text NOT NULL,
  namespace     text NOT NULL DEFAULT '',
  name          text NOT NULL,
  generation    bigint NOT NULL,
  status        text NOT NULL CHECK (status IN ('IN_SYNC', 'PENDING', 'FAILED', 'DRIFTED')),
  message       text,
  diff          jsonb,
  reported_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, resource_kind, namespace, name)
);
CREATE INDEX cluster_resource_status_org_idx ON cluster_resource_status (org_id, resource_kind, namespace, name);

-- Row-level security.
ALTER TABLE policy_resources ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_resources FORCE ROW LEVEL SECURITY;
CREATE POLICY policy_resources_tenant ON policy_resources
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE policy_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_revisions FORCE ROW LEVEL SECURITY;
CREATE POLICY policy_revisions_tenant ON policy_revisions
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE org_policy_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_policy_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY org_policy_settings_tenant ON org_policy_settings
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE cluster_desired_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE cluster_desired_state FORCE ROW LEVEL SECURITY;
CREATE POLICY cluster_desired_state_tenant ON cluster_desired_state
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE cluster_sync_status ENABLE ROW LEVEL SECURITY;
ALTER TABLE cluster_sync_status FORCE ROW LEVEL SECURITY;
CREATE POLICY cluster_sync_status_tenant ON cluster_sync_status
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE cluster_resource_status ENABLE ROW LEVEL SECURITY;
ALTER TABLE cluster_resource_status FORCE ROW LEVEL SECURITY;
CREATE POLICY cluster_resource_status_tenant ON cluster_resource_status
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT, INSERT, UPDATE, DELETE ON policy_resources TO palisade_app;
GRANT SELECT, INSERT ON policy_revisions TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON org_policy_settings TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON cluster_desired_state TO palisade_app;
GRANT SELECT ON cluster_sync_status TO palisade_app;
GRANT SELECT ON cluster_resource_status TO palisade_app;

-- Gateways read what to push and write what the agents report (they bypass RLS, like for
-- clusters; DELETE on per-resource rows prunes results of resources no longer desired).
GRANT SELECT ON cluster_desired_state TO palisade_gateway;
GRANT SELECT, INSERT, UPDATE ON cluster_sync_status TO palisade_gateway;
GRANT SELECT, INSERT, UPDATE, DELETE ON cluster_resource_status TO palisade_gateway;

-- Every organisation has the built-in tiers and a settings row from the moment it exists, however
-- it was created (sign-up, admin CLI): a definer trigger, so it needs no grant of its own. The
-- objects are the canonical form @palisade/policy gives the built-in tiers (a test checks this).
CREATE FUNCTION policy_seed_organization(p_org uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  t record;
  rid uuid;
BEGIN
  INSERT INTO org_policy_settings (org_id) VALUES (p_org) ON CONFLICT (org_id) DO NOTHING;
  FOR t IN SELECT * FROM (VALUES ('kube-admin', 1000, 'Pass'), ('default', 1000000, 'Deny'),
                                 ('kube-baseline', 10000000, 'Pass')) AS b (name, ord, action) LOOP
    INSERT INTO policy_resources (org_id, kind, namespace, name, tier, revision, object)
    VALUES (p_org, 'Tier', '', t.name, NULL, 1,
            jsonb_build_object('apiVersion', 'projectcalico.org/v3', 'kind', 'Tier',
                               'metadata', jsonb_build_object('name', t.name),
                               'spec', jsonb_build_object('order', t.ord, 'defaultAction', t.action)))
    ON CONFLICT (org_id, kind, namespace, name) DO NOTHING
    RETURNING id INTO rid;
    IF rid IS NOT NULL THEN
      INSERT INTO policy_revisions (org_id, resource_id, kind, namespace, name, revision, object, change,
                                    actor_type, actor_id, actor_label)
      SELECT p_org, r.id, r.kind, r.namespace, r.name, 1, r.object, 'created', 'system', NULL, 'system'
        FROM policy_resources r WHERE r.id = rid;
    END IF;
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION policy_seed_organization(uuid) FROM PUBLIC;

CREATE FUNCTION policy_seed_organization_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM policy_seed_organization(NEW.id);
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION policy_seed_organization_trigger() FROM PUBLIC;
CREATE TRIGGER organizations_seed_policy AFTER INSERT ON organizations
  FOR EACH ROW EXECUTE FUNCTION policy_seed_organization_trigger();

SELECT policy_seed_organization(id) FROM organizations;
