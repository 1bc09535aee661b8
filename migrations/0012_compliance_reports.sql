-- Compliance reports (issue 15, decisions 0065 and 0066): report definitions in Calico's
-- GlobalReport terms plus Palisade's cluster selector, their immutable revisions, and report runs
-- (one per definition and interval) with their status and result.
--
-- report_definitions          one row per definition; next_run_at is when its schedule next closes
--                             an interval (NULL while suspended); last_tick_at the end of the last
--                             interval a tick closed (the start of the next scheduled interval).
-- report_definition_revisions append-only history: every change writes one row (spec NULL = deleted);
--                             rows outlive their definition.
-- report_runs                 a run computes one definition over one interval [interval_start,
--                             interval_end). `spec` is the definition as it was when the run was
--                             requested, so a later edit never changes what a run meant. Unique per
--                             definition and interval: asking twice gives the same run.

SET LOCAL ROLE palisade_system;

CREATE TABLE report_definitions (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name                     text NOT NULL CHECK (name ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
  report_type              text NOT NULL CHECK (report_type IN ('inventory', 'network-access', 'policy-audit')),
  endpoint_selector        text NOT NULL DEFAULT '',
  namespace_names          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(namespace_names) = 'array'),
  namespace_selector       text NOT NULL DEFAULT '',
  service_account_names    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(service_account_names) = 'array'),
  service_account_selector text NOT NULL DEFAULT '',
  cluster_selector         text NOT NULL DEFAULT '',
  schedule                 text NOT NULL,
  suspend                  boolean NOT NULL DEFAULT false,
  revision                 integer NOT NULL CHECK (revision >= 1),
  next_run_at              timestamptz,
  last_tick_at             timestamptz,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  CHECK (suspend OR next_run_at IS NOT NULL)
);
CREATE INDEX report_definitions_due_idx ON report_definitions (next_run_at) WHERE NOT suspend;

CREATE TABLE report_definition_revisions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  definition_id uuid NOT NULL,
  name          text NOT NULL,
  revision      integer NOT NULL CHECK (revision >= 1),
  spec          jsonb,
  change        text NOT NULL CHECK (change IN ('created', 'configured', 'deleted')),
  actor_type    text NOT NULL CHECK (actor_type IN ('user', 'token', 'system')),
  actor_id      text,
  actor_label   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (definition_id, revision),
  CHECK ((spec IS NULL) = (change = 'deleted'))
);
CREATE INDEX report_definition_revisions_org_idx ON report_definition_revisions (org_id, definition_id, revision DESC);

CREATE FUNCTION report_definition_revisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'report definition revisions are immutable (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER report_definition_revisions_no_update BEFORE UPDATE OR DELETE ON report_definition_revisions
  FOR EACH ROW EXECUTE FUNCTION report_definition_revisions_immutable();

CREATE TABLE report_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- Kept (and the run with it) when the definition is deleted: evidence outlives its configuration.
  definition_id   uuid NOT NULL,
  definition_name text NOT NULL,
  report_type     text NOT NULL CHECK (report_type IN ('inventory', 'network-access', 'policy-audit')),
  spec            jsonb NOT NULL CHECK (jsonb_typeof(spec) = 'object'),
  trigger         text NOT NULL CHECK (trigger IN ('scheduled', 'on_demand')),
  interval_start  timestamptz NOT NULL,
  interval_end    timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress        integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  attempts        integer NOT NULL DEFAULT 0,
  error           text,
  requested_by    text NOT NULL,
  result          jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  UNIQUE (definition_id, interval_start, interval_end),
  CHECK (interval_start < interval_end),
  CHECK (status <> 'failed' OR error IS NOT NULL)
);
CREATE INDEX report_runs_org_def_idx ON report_runs (org_id, definition_id, interval_end DESC);
CREATE INDEX report_runs_org_running_idx ON report_runs (org_id) WHERE status = 'running';

ALTER TABLE report_definitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_definitions FORCE ROW LEVEL SECURITY;
CREATE POLICY report_definitions_tenant ON report_definitions
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE report_definition_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_definition_revisions FORCE ROW LEVEL SECURITY;
CREATE POLICY report_definition_revisions_tenant ON report_definition_revisions
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE report_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY report_runs_tenant ON report_runs
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT, INSERT, UPDATE, DELETE ON report_definitions TO palisade_app;
GRANT SELECT, INSERT ON report_definition_revisions TO palisade_app;
GRANT SELECT, INSERT, UPDATE ON report_runs TO palisade_app;

-- The schedule tick runs in the worker as palisade_app, across organisations: this definer
-- function is its narrow door, returning only the ids of definitions whose next run is due.
CREATE FUNCTION report_definitions_due(p_now timestamptz, p_limit integer)
RETURNS TABLE (org_id uuid, definition_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT d.org_id, d.id FROM report_definitions d
   WHERE NOT d.suspend AND d.next_run_at <= p_now
   ORDER BY d.next_run_at LIMIT least(greatest(p_limit, 1), 1000)
$$;
REVOKE ALL ON FUNCTION report_definitions_due(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_definitions_due(timestamptz, integer) TO palisade_app;
