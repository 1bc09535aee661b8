-- The per-minute rollups lose their (org_id, minute) indexes (docs/decisions/0190). Every read of
-- them names its clusters (`cluster_id IN (the organisation's clusters)`, or one cluster for the
-- compliance reports), which the primary key (cluster_id, minute, …) serves: a one-hour service
-- graph reads the same rows through it in the same time. Meanwhile each rollup upsert of the flow
-- writer, three in four of which are updates, maintained the index for nothing. Dropping the
-- partitioned index drops it on every partition; new partitions are made without it.

SET LOCAL ROLE palisade_system;

DROP INDEX flow_edge_minutes_org_idx;
DROP INDEX flow_policy_minutes_org_idx;
