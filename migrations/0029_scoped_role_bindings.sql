-- Scoped role bindings (issue 17 item 3, decisions 0120–0123). A membership, an invitation and an
-- API token can limit their role to clusters (a cluster selector over cluster labels, '' = every
-- cluster) and to policy tiers ('[]' = every tier; a JSON array like the report scopes' name lists).
--
-- The API enforces the scope in one place, the tenant transaction: for a limited caller it reads
-- the organisation's clusters, policy resources and report definitions, decides with
-- @palisade/policy/managed's selector rule which ones lie outside the scope, and sets their ids in
-- app.denied_clusters / app.denied_policies / app.denied_reports for that transaction alone. The
-- RESTRICTIVE policies below hide those rows, and every row hanging off them (flows, inventory,
-- status, revisions, runs), from every statement of the transaction: lists, counts, single reads,
-- updates and deletes alike, so no resolver has to remember a filter. A deny list rather than an
-- allow list, so that a row the caller creates in the transaction (already checked to lie inside
-- the scope) is visible to the rest of it. Unset settings deny nothing: unscoped callers, the
-- worker and the gateways see exactly what they saw before.

SET LOCAL ROLE palisade_system;

ALTER TABLE memberships ADD COLUMN cluster_selector text NOT NULL DEFAULT '',
  ADD COLUMN tiers jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(tiers) = 'array' AND jsonb_array_length(tiers) <= 32);
ALTER TABLE invitations ADD COLUMN cluster_selector text NOT NULL DEFAULT '',
  ADD COLUMN tiers jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(tiers) = 'array' AND jsonb_array_length(tiers) <= 32);
ALTER TABLE api_tokens ADD COLUMN cluster_selector text NOT NULL DEFAULT '',
  ADD COLUMN tiers jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(tiers) = 'array' AND jsonb_array_length(tiers) <= 32);

-- The ids of one kind of object the current transaction's caller may not see ('clusters',
-- 'policies' or 'reports'); empty when unset.
CREATE FUNCTION app_denied(p_kind text) RETURNS uuid[] LANGUAGE sql STABLE AS
  $$ SELECT coalesce(nullif(current_setting('app.denied_' || p_kind, true), ''), '{}')::uuid[] $$;
GRANT EXECUTE ON FUNCTION app_denied(text) TO palisade_app;

-- `(SELECT app_denied(..))` is an uncorrelated subquery: evaluated once per statement (an InitPlan),
-- not once per row, which matters on flows.
CREATE POLICY clusters_access_scope ON clusters AS RESTRICTIVE
  USING (NOT (id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY cluster_inventory_access_scope ON cluster_inventory AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY cluster_nodes_access_scope ON cluster_nodes AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY cluster_desired_state_access_scope ON cluster_desired_state AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY cluster_sync_status_access_scope ON cluster_sync_status AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY cluster_resource_status_access_scope ON cluster_resource_status AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY flows_access_scope ON flows AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY flow_edge_minutes_access_scope ON flow_edge_minutes AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY flow_policy_minutes_access_scope ON flow_policy_minutes AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY flow_batches_access_scope ON flow_batches AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY cluster_flow_status_access_scope ON cluster_flow_status AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
CREATE POLICY policy_recommendations_access_scope ON policy_recommendations AS RESTRICTIVE
  USING (NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));

CREATE POLICY policy_resources_access_scope ON policy_resources AS RESTRICTIVE
  USING (NOT (id = ANY ((SELECT app_denied('policies'))::uuid[])));
CREATE POLICY policy_revisions_access_scope ON policy_revisions AS RESTRICTIVE
  USING (NOT (resource_id = ANY ((SELECT app_denied('policies'))::uuid[])));

CREATE POLICY report_definitions_access_scope ON report_definitions AS RESTRICTIVE
  USING (NOT (id = ANY ((SELECT app_denied('reports'))::uuid[])));
CREATE POLICY report_definition_revisions_access_scope ON report_definition_revisions AS RESTRICTIVE
  USING (NOT (definition_id = ANY ((SELECT app_denied('reports'))::uuid[])));
CREATE POLICY report_runs_access_scope ON report_runs AS RESTRICTIVE
  USING (NOT (definition_id = ANY ((SELECT app_denied('reports'))::uuid[])));
CREATE POLICY report_evidence_access_scope ON report_evidence AS RESTRICTIVE
  USING (NOT EXISTS (SELECT 1 FROM report_runs r WHERE r.id = run_id
                      AND r.definition_id = ANY ((SELECT app_denied('reports'))::uuid[])));

-- A token's scope arrives with the token, like its organisation (migration 0004).
DROP FUNCTION authenticate_api_token(bytea);
CREATE FUNCTION authenticate_api_token(p_hash bytea)
RETURNS TABLE (id uuid, org_id uuid, name text, role text, expires_at timestamptz, revoked_at timestamptz,
               org_slug text, org_name text, org_created_at timestamptz,
               cluster_selector text, tiers jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE api_tokens t SET last_used_at = now()
   WHERE t.token_hash = p_hash AND t.revoked_at IS NULL
     AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '30 seconds');
  RETURN QUERY SELECT t.id, t.org_id, t.name, t.role, t.expires_at, t.revoked_at,
                      o.slug, o.name, o.created_at, t.cluster_selector, t.tiers
                 FROM api_tokens t JOIN organizations o ON o.id = t.org_id
                WHERE t.token_hash = p_hash;
END
$$;
REVOKE ALL ON FUNCTION authenticate_api_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION authenticate_api_token(bytea) TO palisade_app;
