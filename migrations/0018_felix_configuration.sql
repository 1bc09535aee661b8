-- FelixConfiguration becomes a managed kind (docs/decisions/0090): organisations store Calico's
-- FelixConfiguration documents beside their policies and roll them out by cluster selector. The
-- kind list of policy_resources grows by one; FelixConfiguration is cluster-scoped and in no tier,
-- so the tier rule is unchanged. Revisions, desired state and per-cluster status are kind-agnostic.

SET LOCAL ROLE palisade_system;

ALTER TABLE policy_resources DROP CONSTRAINT policy_resources_kind_check;
ALTER TABLE policy_resources ADD CONSTRAINT policy_resources_kind_check
  CHECK (kind IN ('Tier', 'NetworkPolicy', 'GlobalNetworkPolicy',
    'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy',
    'NetworkSet', 'GlobalNetworkSet', 'KubernetesNetworkPolicy', 'FelixConfiguration'));
