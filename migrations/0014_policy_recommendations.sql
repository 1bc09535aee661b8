-- Policy recommendation from flows (issue 14, docs/decisions/0071).
--
-- recommendation_scopes     one row per organisation: how recommendations are made (Calico's
--                           PolicyRecommendationScope: interval, initial lookback, stabilisation
--                           period, namespace exclusions, same-namespace traffic); no row means
--                           the defaults, and recommendations are made only when enabled.
-- policy_recommendations    one per cluster and namespace: the recommended StagedNetworkPolicy, the
--                           flow keys each rule came from, and its state. RECOMMENDED is refreshed
--                           by the job as flows arrive; ACCEPTED is stored as a staged policy (on
--                           the board) and still refreshed; ENFORCED once its enforced twin exists;
--                           DISMISSED is never updated again.

CREATE TABLE recommendation_scopes (
  org_id                uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  enabled               boolean NOT NULL DEFAULT false,
  interval_seconds      integer NOT NULL DEFAULT 150 CHECK (interval_seconds BETWEEN 30 AND 86400),
  initial_lookback_seconds integer NOT NULL DEFAULT 86400
                          CHECK (initial_lookback_seconds BETWEEN 900 AND 2592000),
  stabilization_seconds integer NOT NULL DEFAULT 600 CHECK (stabilization_seconds BETWEEN 0 AND 86400),
  -- Namespaces starting with one of these strings get no recommendation (a JSON array of strings).
  excluded_namespace_prefixes jsonb NOT NULL DEFAULT '["tigera-", "calico-", "kube-"]'::jsonb
                          CHECK (jsonb_typeof(excluded_namespace_prefixes) = 'array'),
  intra_namespace       text NOT NULL DEFAULT 'ALLOW' CHECK (intra_namespace IN ('ALLOW', 'PASS')),
  -- Set by the refresh job; NULL until the first refresh.
  refreshed_at          timestamptz,
  updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE policy_recommendations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  cluster_id   uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  namespace    text NOT NULL,
  state        text NOT NULL CHECK (state IN ('RECOMMENDED', 'ACCEPTED', 'ENFORCED', 'DISMISSED')),
  -- The recommended StagedNetworkPolicy (validated by @palisade/policy before it is stored).
  policy       jsonb NOT NULL CHECK (jsonb_typeof(policy) = 'object'),
  -- [{direction, index, flows: [flow key id]}], one per rule.
  rules        jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
  unmatched    jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(unmatched) = 'array'),
  window_from  timestamptz NOT NULL,
  window_to    timestamptz NOT NULL,
  -- When the policy's content last changed: stable once older than the stabilisation period.
  changed_at   timestamptz NOT NULL DEFAULT now(),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cluster_id, namespace)
);
CREATE INDEX policy_recommendations_org_idx ON policy_recommendations (org_id, cluster_id, namespace);

ALTER TABLE recommendation_scopes ENABLE ROW LEVEL SECURITY;
ALTER TABLE recommendation_scopes FORCE ROW LEVEL SECURITY;
CREATE POLICY recommendation_scopes_tenant ON recommendation_scopes
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE policy_recommendations ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_recommendations FORCE ROW LEVEL SECURITY;
CREATE POLICY policy_recommendations_tenant ON policy_recommendations
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT, INSERT, UPDATE ON recommendation_scopes TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON policy_recommendations TO palisade_app;

-- The worker's repeatable job asks which organisations are due for a refresh (enabled, and not
-- refreshed for their interval). A definer function: the worker's role sees no organisation's rows.
CREATE FUNCTION recommendation_orgs_due() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.org_id FROM recommendation_scopes s
  WHERE s.enabled AND (s.refreshed_at IS NULL OR s.refreshed_at <= now() - make_interval(secs => s.interval_seconds))
  ORDER BY s.org_id
$$;
REVOKE ALL ON FUNCTION recommendation_orgs_due() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION recommendation_orgs_due() TO palisade_app;
