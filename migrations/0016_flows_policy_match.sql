-- The policy filter of `flows` through its GIN index under row-level security (docs/decisions/0085).
--
-- For a role subject to RLS, Postgres evaluates the tenant policy before any condition whose
-- operator is not LEAKPROOF, and only such conditions may drive an index scan. jsonb `@>`
-- (jsonb_contains) is not leakproof, so for palisade_app the policy match of migration 0006's
-- flows_policies_idx was a filter over every flow of the organisation in the window. Marking the
-- operator LEAKPROOF needs a superuser, which managed Postgres does not give.
--
-- flows_policy_matches is the one narrow door instead: a definer function (owner palisade_system,
-- which bypasses RLS, so the planner may use the index) that returns the primary keys of the flows
-- of the CURRENT organisation, app_current_org() (the same setting RLS reads; unset reads as NULL
-- and matches nothing), whose enforced or pending hits contain one of the patterns, started in
-- [p_from, p_to), at most p_limit of them (the caller reads a broad match another way, decision
-- 0085). It returns keys only: the caller re-reads the rows through RLS, where every other
-- condition of the filter applies. It cannot widen what a caller sees: every key it returns is one
-- the caller may already read.

SET LOCAL ROLE palisade_system;

CREATE FUNCTION flows_policy_matches(p_patterns jsonb[], p_from timestamptz, p_to timestamptz, p_limit integer)
RETURNS TABLE (cluster_id uuid, start_time timestamptz, flow_key bytea)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
ROWS 1000
AS $$
DECLARE
  org uuid := app_current_org();
BEGIN
  IF org IS NULL OR p_patterns IS NULL THEN
    RETURN;
  END IF;
  -- EXECUTE plans with the values: a generic plan (what a SQL function body gets) cannot tell a
  -- rare pattern from a common one and reads the org/time index for both; with the values, the
  -- planner takes flows_policies_idx for a rare policy and, newest first with the limit, the time
  -- index for one in most flows (stopping at the limit instead of building a bitmap of them all).
  RETURN QUERY EXECUTE
    'SELECT f.cluster_id, f.start_time, f.flow_key
       FROM flows f
      WHERE f.org_id = $1
        AND f.start_time >= coalesce($2, ''-infinity''::timestamptz)
        AND f.start_time < coalesce($3, ''infinity''::timestamptz)
        AND (f.policies_enforced || f.policies_pending) @> ANY ($4)
      ORDER BY f.start_time DESC
      LIMIT $5'
    USING org, p_from, p_to, p_patterns, p_limit;
END
$$;
REVOKE ALL ON FUNCTION flows_policy_matches(jsonb[], timestamptz, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION flows_policy_matches(jsonb[], timestamptz, timestamptz, integer) TO palisade_app;
