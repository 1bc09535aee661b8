-- 0014 created the recommendation tables and their definer function as the migrating superuser,
-- not as palisade_system like every other migration (SET LOCAL ROLE), so the tables were owned by
-- the superuser and the SECURITY DEFINER function ran with superuser rights. Forward-only fix:
-- hand them to the system role, which owns every other tenant table (decision 0002).
ALTER TABLE recommendation_scopes OWNER TO palisade_system;
ALTER TABLE policy_recommendations OWNER TO palisade_system;
ALTER FUNCTION recommendation_orgs_due() OWNER TO palisade_system;
