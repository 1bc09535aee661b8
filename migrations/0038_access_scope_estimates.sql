-- The scoped-access policies of migration 0029, rewritten so that Postgres estimates them (decision
-- 0208). `NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[]))` compares with an array
-- the planner cannot see at plan time: it assumes ten unknown elements, each cutting the estimate by
-- the column's share of one value, so an organisation with one cluster (the column's only value)
-- got an estimate of 1 row out of millions, and one with three clusters 2 % of the truth. Plans
-- built on that sorted whole day partitions for a page of 50 (a policy-filtered flows page took
-- 16 s at 10 M flows). The rows each policy hides are unchanged: `(SELECT app_denies_none(kind))`
-- is one InitPlan per statement, true when the caller is unscoped (the denied list is empty, and
-- then the second condition is true for every row anyway); a bare boolean InitPlan is estimated
-- at one half, so the policy no longer drives the estimate to zero.

SET LOCAL ROLE palisade_system;

-- True when the current transaction's caller is denied no object of this kind.
CREATE FUNCTION app_denies_none(p_kind text) RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT cardinality(app_denied(p_kind)) = 0 $$;
GRANT EXECUTE ON FUNCTION app_denies_none(text) TO palisade_app;

ALTER POLICY clusters_access_scope ON clusters
  USING ((SELECT app_denies_none('clusters')) OR NOT (id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY cluster_inventory_access_scope ON cluster_inventory
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY cluster_nodes_access_scope ON cluster_nodes
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY cluster_desired_state_access_scope ON cluster_desired_state
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY cluster_sync_status_access_scope ON cluster_sync_status
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY cluster_resource_status_access_scope ON cluster_resource_status
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY flows_access_scope ON flows
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY flow_edge_minutes_access_scope ON flow_edge_minutes
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY flow_policy_minutes_access_scope ON flow_policy_minutes
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY flow_batches_access_scope ON flow_batches
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY cluster_flow_status_access_scope ON cluster_flow_status
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY policy_recommendations_access_scope ON policy_recommendations
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY policy_resources_access_scope ON policy_resources
  USING ((SELECT app_denies_none('policies')) OR NOT (id = ANY ((SELECT app_denied('policies'))::uuid[])));
ALTER POLICY policy_revisions_access_scope ON policy_revisions
  USING ((SELECT app_denies_none('policies')) OR NOT (resource_id = ANY ((SELECT app_denied('policies'))::uuid[])));
ALTER POLICY report_definitions_access_scope ON report_definitions
  USING ((SELECT app_denies_none('reports')) OR NOT (id = ANY ((SELECT app_denied('reports'))::uuid[])));
ALTER POLICY report_definition_revisions_access_scope ON report_definition_revisions
  USING ((SELECT app_denies_none('reports')) OR NOT (definition_id = ANY ((SELECT app_denied('reports'))::uuid[])));
ALTER POLICY report_runs_access_scope ON report_runs
  USING ((SELECT app_denies_none('reports')) OR NOT (definition_id = ANY ((SELECT app_denied('reports'))::uuid[])));
ALTER POLICY report_evidence_access_scope ON report_evidence
  USING ((SELECT app_denies_none('reports')) OR NOT EXISTS (SELECT 1 FROM report_runs r WHERE r.id = run_id
                      AND r.definition_id = ANY ((SELECT app_denied('reports'))::uuid[])));
ALTER POLICY flow_edge_pending_minutes_access_scope ON flow_edge_pending_minutes
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY flow_edge_pending_hours_access_scope ON flow_edge_pending_hours
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
ALTER POLICY flow_pair_hours_access_scope ON flow_pair_hours
  USING ((SELECT app_denies_none('clusters')) OR NOT (cluster_id = ANY ((SELECT app_denied('clusters'))::uuid[])));
