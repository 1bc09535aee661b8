-- What each cluster's nodes really do (docs/decisions/0091): the agent reports every node's
-- dataplane, WireGuard state, WireGuard public key presence, MTU and Calico version in the protocol's
-- `inventory.nodes` message, and the owning gateway replaces the cluster's rows with it (fenced by
-- lease epoch, like the inventory). A table of its own rather than cluster_inventory, whose snapshot
-- replaces every row of the cluster: nodes arrive on their own schedule. Encryption coverage is
-- computed from it: a node encrypts when wireguard_enabled and wireguard_public_key both hold.

SET LOCAL ROLE palisade_system;

CREATE TABLE cluster_nodes (
  org_id               uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  cluster_id           uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 253),
  dataplane            text NOT NULL CHECK (dataplane IN ('iptables', 'nftables', 'bpf')),
  wireguard_enabled    boolean NOT NULL,
  wireguard_public_key boolean NOT NULL,
  mtu                  integer CHECK (mtu BETWEEN 0 AND 65535),
  calico_version       text,
  reported_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, name)
);
CREATE INDEX cluster_nodes_org_idx ON cluster_nodes (org_id, cluster_id);

ALTER TABLE cluster_nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE cluster_nodes FORCE ROW LEVEL SECURITY;
CREATE POLICY cluster_nodes_tenant ON cluster_nodes
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

GRANT SELECT ON cluster_nodes TO palisade_app;
GRANT SELECT, INSERT, DELETE ON cluster_nodes TO palisade_gateway;
