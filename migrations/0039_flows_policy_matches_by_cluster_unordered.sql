-- flows_policy_matches (migration 0016, decision 0085) takes the clusters to read and stops at its
-- limit in whatever order it finds matches (decision 0209).
--
-- * Unordered. The caller asks for at most limit + 1 keys only to learn whether the match is
--   narrow (then it reads them all, by key) or broad (then it walks the time index instead). Asked
--   for the newest keys, Postgres took every match from the GIN index and sorted them: at 10 M
--   flows a policy in 2 % of them was 200,000 rows read and sorted to return 10,001. Now the
--   bitmap heap scan stops at the limit.
-- * Clusters. The caller passes the clusters the reader may see (the organisation's clusters,
--   or those named by the filter, read under RLS: clusters outside a scoped caller's access and
--   deleted clusters, whose flows stay until their day is dropped, are not among them), so the
--   number of keys equals the flows the query would list with no other condition, and a broad
--   match needs no second count.

SET LOCAL ROLE palisade_system;

DROP FUNCTION flows_policy_matches(jsonb[], timestamptz, timestamptz, integer);
CREATE FUNCTION flows_policy_matches(p_patterns jsonb[], p_clusters uuid[], p_from timestamptz,
                                     p_to timestamptz, p_limit integer)
RETURNS TABLE (cluster_id uuid, start_time timestamptz, flow_key bytea)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
ROWS 1000
AS $$
DECLARE
  org uuid := app_current_org();
BEGIN
  IF org IS NULL OR p_patterns IS NULL OR p_clusters IS NULL THEN
    RETURN;
  END IF;
  -- EXECUTE plans with the values (decision 0085): the GIN index for a rare pattern, a scan that
  -- stops at the limit for a common one.
  RETURN QUERY EXECUTE
    'SELECT f.cluster_id, f.start_time, f.flow_key
       FROM flows f
      WHERE f.org_id = $1
        AND f.cluster_id = ANY ($2)
        AND f.start_time >= coalesce($3, ''-infinity''::timestamptz)
        AND f.start_time < coalesce($4, ''infinity''::timestamptz)
        AND (f.policies_enforced || f.policies_pending) @> ANY ($5)
      LIMIT $6'
    USING org, p_clusters, p_from, p_to, p_patterns, p_limit;
END
$$;
REVOKE ALL ON FUNCTION flows_policy_matches(jsonb[], uuid[], timestamptz, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION flows_policy_matches(jsonb[], uuid[], timestamptz, timestamptz, integer) TO palisade_app;
