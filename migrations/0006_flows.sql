-- Flow logs (issue 13, docs/decisions/0040 and 0041): the durable store the cluster gateways
-- write accepted flow batches into, and the API reads.
--
-- flows                 one row per aggregation key and 15 s bucket (spec §6.2): a resent or late
--                       record of the same key and bucket is merged into its row (counters summed,
--                       labels intersected), so the table holds what Goldmane would show. Range
--                       partitioned per UTC day on start_time.
-- flow_edge_minutes     per-minute rollup for the service graph: flows without policies and labels,
--                       summed per source, destination, service, port, proto, reporter and action.
-- flow_policy_minutes   per-minute rollup for policy statistics: one row per policy hit (enforced
--                       or pending trace), rule, hit action and reporter.
--                       Both rollups are written in the same transaction as the flows, partitioned
--                       like them, and dropped with them.
-- flow_batches          the idempotency record: one row per accepted batch, keyed by
--                       (cluster_id, agent_instance, sequence), written in the same transaction
--                       as the rows; a resend finds it and changes nothing.
-- cluster_flow_status   per cluster: last batch, records accepted, rejected (per reason), what
--                       the agent reports it had to drop, and a smoothed ingestion rate.
-- organizations.flow_retention_days  the organisation's retention (default 30, 1–400 days).
--
-- Partitions live in the schema flow_partitions, which neither palisade_app nor palisade_gateway
-- may use: rows are only reachable through the partitioned parents, where RLS applies. They are
-- made by flows_ensure_partitions (the worker creates days ahead; the gateway calls it for a day it
-- has not seen, so a fresh install ingests at once) and dropped by flows_drop_expired_partitions.
-- No foreign keys on the partitioned tables: org and cluster come from the gateway's
-- authenticated tunnel, and a per-row key check would cost the bulk insert more than the rest;
-- rows of a deleted cluster age out with their partitions (decision 0040).

CREATE SCHEMA flow_partitions AUTHORIZATION palisade_system;
SET LOCAL ROLE palisade_system;

ALTER TABLE organizations ADD COLUMN flow_retention_days integer NOT NULL DEFAULT 30
  CHECK (flow_retention_days BETWEEN 1 AND 400);

CREATE TABLE flows (
  org_id                 uuid NOT NULL,
  cluster_id             uuid NOT NULL,
  start_time             timestamptz NOT NULL,
  end_time               timestamptz NOT NULL,
  -- SHA-256 (first 16 bytes) of the aggregation key (@palisade/flows), which includes trace_hash.
  flow_key               bytea NOT NULL,
  source_type            text NOT NULL CHECK (source_type IN ('wep', 'hep', 'ns', 'net')),
  source_namespace       text NOT NULL,
  source_name            text NOT NULL,
  source_labels          jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(source_labels) = 'array'),
  dest_type              text NOT NULL CHECK (dest_type IN ('wep', 'hep', 'ns', 'net')),
  dest_namespace         text NOT NULL,
  dest_name              text NOT NULL,
  dest_labels            jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(dest_labels) = 'array'),
  dest_port              integer NOT NULL CHECK (dest_port BETWEEN 0 AND 65535),
  dest_service_namespace text NOT NULL,
  dest_service_name      text NOT NULL,
  dest_service_port_name text NOT NULL,
  dest_service_port      integer NOT NULL CHECK (dest_service_port BETWEEN 0 AND 65535),
  proto                  text NOT NULL,
  reporter               text NOT NULL CHECK (reporter IN ('src', 'dst')),
  action                 text NOT NULL CHECK (action IN ('allow', 'deny')),
  -- Structured policy hits (@palisade/flows PolicyHit), sorted by policy_index.
  policies_enforced      jsonb NOT NULL CHECK (jsonb_typeof(policies_enforced) = 'array'),
  policies_pending       jsonb NOT NULL CHECK (jsonb_typeof(policies_pending) = 'array'),
  trace_hash             text NOT NULL,
  -- The action of the last pending hit; NULL when the pending trace is empty.
  pending_action         text CHECK (pending_action IN ('allow', 'deny', 'pass')),
  packets_in             bigint NOT NULL CHECK (packets_in >= 0),
  packets_out            bigint NOT NULL CHECK (packets_out >= 0),
  bytes_in               bigint NOT NULL CHECK (bytes_in >= 0),
  bytes_out              bigint NOT NULL CHECK (bytes_out >= 0),
  num_flows              bigint NOT NULL CHECK (num_flows >= 0),
  num_flows_started      bigint NOT NULL CHECK (num_flows_started >= 0),
  num_flows_completed    bigint NOT NULL CHECK (num_flows_completed >= 0),
  CHECK (end_time > start_time),
  PRIMARY KEY (cluster_id, start_time, flow_key)
) PARTITION BY RANGE (start_time);

-- Newest first per organisation (the default sort), and the selective Goldmane filters and name
-- sorts, each within the organisation and ordered by time so a filtered page stops early.
CREATE INDEX flows_org_time_idx ON flows (org_id, start_time DESC);
CREATE INDEX flows_org_source_ns_idx ON flows (org_id, source_namespace, start_time DESC);
CREATE INDEX flows_org_dest_ns_idx ON flows (org_id, dest_namespace, start_time DESC);
CREATE INDEX flows_org_source_name_idx ON flows (org_id, source_name, start_time DESC);
CREATE INDEX flows_org_dest_name_idx ON flows (org_id, dest_name, start_time DESC);
-- Policy match is over the enforced AND the pending hits: query with
-- (policies_enforced || policies_pending) @> '[{...}]' to use it.
CREATE INDEX flows_policies_idx ON flows USING gin ((policies_enforced || policies_pending) jsonb_path_ops);

CREATE TABLE flow_edge_minutes (
  org_id                 uuid NOT NULL,
  cluster_id             uuid NOT NULL,
  minute                 timestamptz NOT NULL CHECK (date_trunc('minute', minute) = minute),
  -- md5 of the key columns below, as a uuid: the conflict target of the rollup upsert.
  edge_key               uuid NOT NULL,
  source_type            text NOT NULL,
  source_namespace       text NOT NULL,
  source_name            text NOT NULL,
  dest_type              text NOT NULL,
  dest_namespace         text NOT NULL,
  dest_name              text NOT NULL,
  dest_service_namespace text NOT NULL,
  dest_service_name      text NOT NULL,
  dest_service_port_name text NOT NULL,
  dest_service_port      integer NOT NULL,
  dest_port              integer NOT NULL,
  proto                  text NOT NULL,
  reporter               text NOT NULL CHECK (reporter IN ('src', 'dst')),
  action                 text NOT NULL CHECK (action IN ('allow', 'deny')),
  packets_in             bigint NOT NULL,
  packets_out            bigint NOT NULL,
  bytes_in               bigint NOT NULL,
  bytes_out              bigint NOT NULL,
  num_flows              bigint NOT NULL,
  num_flows_started      bigint NOT NULL,
  num_flows_completed    bigint NOT NULL,
  PRIMARY KEY (cluster_id, minute, edge_key)
) PARTITION BY RANGE (minute);
CREATE INDEX flow_edge_minutes_org_idx ON flow_edge_minutes (org_id, minute);

CREATE TABLE flow_policy_minutes (
  org_id              uuid NOT NULL,
  cluster_id          uuid NOT NULL,
  minute              timestamptz NOT NULL CHECK (date_trunc('minute', minute) = minute),
  hit_key             uuid NOT NULL,
  trace               text NOT NULL CHECK (trace IN ('enforced', 'pending')),
  policy_kind         text NOT NULL,
  policy_tier         text NOT NULL,
  -- '' for global kinds. For an end-of-tier hit (rule_index -1) these name the triggering policy.
  policy_namespace    text NOT NULL,
  policy_name         text NOT NULL,
  rule_index          integer NOT NULL,
  policy_action       text NOT NULL CHECK (policy_action IN ('allow', 'deny', 'pass')),
  reporter            text NOT NULL CHECK (reporter IN ('src', 'dst')),
  packets_in          bigint NOT NULL,
  packets_out         bigint NOT NULL,
  bytes_in            bigint NOT NULL,
  bytes_out           bigint NOT NULL,
  num_flows           bigint NOT NULL,
  num_flows_started   bigint NOT NULL,
  num_flows_completed bigint NOT NULL,
  PRIMARY KEY (cluster_id, minute, hit_key)
) PARTITION BY RANGE (minute);
CREATE INDEX flow_policy_minutes_org_idx ON flow_policy_minutes (org_id, minute);

CREATE TABLE flow_batches (
  cluster_id       uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  agent_instance   text NOT NULL,
  sequence         bigint NOT NULL CHECK (sequence >= 0),
  org_id           uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  records_accepted integer NOT NULL CHECK (records_accepted >= 0),
  records_rejected integer NOT NULL CHECK (records_rejected >= 0),
  received_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, agent_instance, sequence)
);
CREATE INDEX flow_batches_received_idx ON flow_batches (received_at);

CREATE TABLE cluster_flow_status (
  cluster_id           uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE,
  org_id               uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  last_batch_at        timestamptz NOT NULL,
  agent_instance       text NOT NULL,
  last_sequence        bigint NOT NULL,
  records_accepted     bigint NOT NULL DEFAULT 0,
  records_rejected     bigint NOT NULL DEFAULT 0,
  -- {"<reason>": count}: reasons are field-named and from a closed set (decision 0041).
  rejected_by_reason   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(rejected_by_reason) = 'object'),
  -- droppedTotal as the current agent instance last reported it, and the sum over all instances.
  agent_dropped_total  bigint NOT NULL DEFAULT 0,
  dropped_total        bigint NOT NULL DEFAULT 0,
  -- Accepted records per second, exponentially smoothed over about a minute.
  records_per_second   double precision NOT NULL DEFAULT 0
);
CREATE INDEX cluster_flow_status_org_idx ON cluster_flow_status (org_id);

-- Row-level security, as on every tenant table.
ALTER TABLE flows ENABLE ROW LEVEL SECURITY;
ALTER TABLE flows FORCE ROW LEVEL SECURITY;
CREATE POLICY flows_tenant ON flows
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE flow_edge_minutes ENABLE ROW LEVEL SECURITY;
ALTER TABLE flow_edge_minutes FORCE ROW LEVEL SECURITY;
CREATE POLICY flow_edge_minutes_tenant ON flow_edge_minutes
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE flow_policy_minutes ENABLE ROW LEVEL SECURITY;
ALTER TABLE flow_policy_minutes FORCE ROW LEVEL SECURITY;
CREATE POLICY flow_policy_minutes_tenant ON flow_policy_minutes
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE flow_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE flow_batches FORCE ROW LEVEL SECURITY;
CREATE POLICY flow_batches_tenant ON flow_batches
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE cluster_flow_status ENABLE ROW LEVEL SECURITY;
ALTER TABLE cluster_flow_status FORCE ROW LEVEL SECURITY;
CREATE POLICY cluster_flow_status_tenant ON cluster_flow_status
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- The API reads; the gateways write (they bypass RLS and are scoped by cluster id in every
-- statement, as for inventory).
GRANT SELECT ON flows, flow_edge_minutes, flow_policy_minutes, cluster_flow_status TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON flows, flow_edge_minutes, flow_policy_minutes TO palisade_gateway;
GRANT SELECT, INSERT ON flow_batches TO palisade_gateway;
GRANT SELECT, INSERT, UPDATE ON cluster_flow_status TO palisade_gateway;

-- The day's partition of each flow table, if missing. A definer function: the worker (as
-- palisade_app) and the gateways call it, and neither may run DDL or use flow_partitions itself.
-- Only days near today are accepted, so the door cannot be used to litter the schema.
-- Returns true when it created something.
CREATE FUNCTION flows_ensure_partitions(p_day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  parent text;
  part text;
  created boolean := false;
BEGIN
  IF p_day IS NULL OR p_day < today - 31 OR p_day > today + 31 THEN
    RAISE EXCEPTION 'flow partitions are made for days within 31 days of today, not %', p_day
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Two gateways meeting a new day at once: one creates, the other then finds it.
  PERFORM pg_advisory_xact_lock(7215330006);
  FOREACH parent IN ARRAY ARRAY['flows', 'flow_edge_minutes', 'flow_policy_minutes'] LOOP
    part := parent || '_' || to_char(p_day, 'YYYYMMDD');
    IF to_regclass(format('flow_partitions.%I', part)) IS NULL THEN
      EXECUTE format('CREATE TABLE flow_partitions.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                     part, parent, p_day::timestamp AT TIME ZONE 'UTC',
                     (p_day + 1)::timestamp AT TIME ZONE 'UTC');
      -- Unreachable to the app's roles anyway (no USAGE on the schema); FORCE without a policy
      -- makes a partition read directly show nothing even to a role that gets access by mistake.
      EXECUTE format('ALTER TABLE flow_partitions.%I ENABLE ROW LEVEL SECURITY', part);
      EXECUTE format('ALTER TABLE flow_partitions.%I FORCE ROW LEVEL SECURITY', part);
      created := true;
    END IF;
  END LOOP;
  RETURN created;
END
$$;
REVOKE ALL ON FUNCTION flows_ensure_partitions(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION flows_ensure_partitions(date) TO palisade_app, palisade_gateway;

-- Drops every day partition whose whole day is older than the longest retention of any
-- organisation (each organisation's reads are cut at its own setting by the API, decision 0042),
-- and idempotency records older than p_batch_ttl. Returns the partitions dropped.
CREATE FUNCTION flows_drop_expired_partitions(p_batch_ttl interval)
RETURNS TABLE (dropped text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  longest integer;
  cutoff timestamptz;
  p record;
BEGIN
  SELECT coalesce(max(o.flow_retention_days), 400) INTO longest FROM organizations o;
  cutoff := now() - make_interval(days => longest);
  PERFORM pg_advisory_xact_lock(7215330006);
  FOR p IN
    SELECT c.relname,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class parent ON parent.oid = i.inhparent
      JOIN pg_namespace pn ON pn.oid = parent.relnamespace AND pn.nspname = 'public'
     WHERE parent.relname IN ('flows', 'flow_edge_minutes', 'flow_policy_minutes')
     ORDER BY c.relname
  LOOP
    IF p.upper <= cutoff THEN
      EXECUTE format('DROP TABLE flow_partitions.%I', p.relname);
      dropped := p.relname;
      RETURN NEXT;
    END IF;
  END LOOP;
  DELETE FROM flow_batches b WHERE b.received_at < now() - p_batch_ttl;
END
$$;
REVOKE ALL ON FUNCTION flows_drop_expired_partitions(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION flows_drop_expired_partitions(interval) TO palisade_app;

-- Today and the next three days, so a fresh install ingests before the worker's first run.
SELECT flows_ensure_partitions((now() AT TIME ZONE 'UTC')::date + d) FROM generate_series(0, 3) AS d;
