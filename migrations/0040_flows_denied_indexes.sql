-- Denied flows by time, and by source or destination namespace (decision 0212): "what is blocked
-- (in this namespace)" is the first question of a security review, and denied flows are a small
-- share of all (a tenth in the 2,000-pod bench). The namespace indexes of 0006 hold every flow and
-- no action, so a namespace with few or no denied flows had its page and its count read every flow
-- of that namespace in the window (5.4 s at 10 M flows for a namespace with none). These hold the
-- denied flows only, ordered like the others so a page stops early; a query naming the action
-- (`action = ANY('{deny}')`) implies their predicate. Each costs an index entry for a denied row
-- only.

SET LOCAL ROLE palisade_system;

CREATE INDEX flows_org_denied_time_idx ON flows (org_id, start_time DESC) WHERE action = 'deny';
CREATE INDEX flows_org_denied_source_ns_idx ON flows (org_id, source_namespace, start_time DESC)
  WHERE action = 'deny';
CREATE INDEX flows_org_denied_dest_ns_idx ON flows (org_id, dest_namespace, start_time DESC)
  WHERE action = 'deny';
