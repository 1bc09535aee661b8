// The flow vocabulary as GraphQL enums. Each value is the string the flow store holds (spec §6.1,
// Calico's own spellings), so translating between the API and the store is the identity.
import { registerEnumType } from '@nestjs/graphql';

export enum FlowActionEnum {
  ALLOW = 'allow',
  DENY = 'deny',
}
registerEnumType(FlowActionEnum, {
  name: 'FlowAction',
  description: 'The final verdict on a flow (Calico logs allowed and denied traffic separately).',
  valuesMap: {
    ALLOW: { description: 'The traffic was allowed.' },
    DENY: { description: 'The traffic was denied.' },
  },
});

export enum PolicyActionEnum {
  ALLOW = 'allow',
  DENY = 'deny',
  PASS = 'pass',
}
registerEnumType(PolicyActionEnum, {
  name: 'PolicyAction',
  description: 'What one policy hit decided.',
  valuesMap: {
    ALLOW: { description: 'Allowed by the rule (or the tier default).' },
    DENY: { description: 'Denied by the rule (or the tier default).' },
    PASS: { description: 'Passed on to the next tier.' },
  },
});

export enum FlowReporterEnum {
  SRC = 'src',
  DST = 'dst',
}
registerEnumType(FlowReporterEnum, {
  name: 'FlowReporter',
  description: 'Which end of the connection logged the flow.',
  valuesMap: {
    SRC: { description: 'The source endpoint’s node (egress policy).' },
    DST: { description: 'The destination endpoint’s node (ingress policy).' },
  },
});

export enum FlowEndpointTypeEnum {
  WEP = 'wep',
  HEP = 'hep',
  NS = 'ns',
  NET = 'net',
}
registerEnumType(FlowEndpointTypeEnum, {
  name: 'FlowEndpointType',
  description: 'What a flow endpoint is, as Calico types it.',
  valuesMap: {
    WEP: { description: 'A workload endpoint (pod); the name is the pod name prefix ending in `*`.' },
    HEP: { description: 'A host endpoint; the name is the host.' },
    NS: { description: 'A NetworkSet or GlobalNetworkSet; the name is the set.' },
    NET: { description: 'Any other address: the name is `pub` (public) or `pvt` (RFC 1918).' },
  },
});

/** Policy kinds as traces name them (the short names of Calico's trace format, @palisade/flows). */
export enum FlowPolicyKindEnum {
  CALICO_NETWORK_POLICY = 'np',
  GLOBAL_NETWORK_POLICY = 'gnp',
  STAGED_NETWORK_POLICY = 'snp',
  STAGED_GLOBAL_NETWORK_POLICY = 'sgnp',
  STAGED_KUBERNETES_NETWORK_POLICY = 'sknp',
  KUBERNETES_NETWORK_POLICY = 'knp',
  KUBERNETES_CLUSTER_NETWORK_POLICY = 'kcnp',
  PROFILE = 'pro',
  END_OF_TIER = 'eot',
}
registerEnumType(FlowPolicyKindEnum, {
  name: 'FlowPolicyKind',
  description: 'The kind of policy a trace hit names (Goldmane’s PolicyKind).',
  valuesMap: {
    CALICO_NETWORK_POLICY: { description: 'projectcalico.org/v3 NetworkPolicy (`np`).' },
    GLOBAL_NETWORK_POLICY: { description: 'projectcalico.org/v3 GlobalNetworkPolicy (`gnp`).' },
    STAGED_NETWORK_POLICY: { description: 'StagedNetworkPolicy (`snp`); only in pending traces.' },
    STAGED_GLOBAL_NETWORK_POLICY: {
      description: 'StagedGlobalNetworkPolicy (`sgnp`); only in pending traces.',
    },
    STAGED_KUBERNETES_NETWORK_POLICY: {
      description: 'StagedKubernetesNetworkPolicy (`sknp`); only in pending traces.',
    },
    KUBERNETES_NETWORK_POLICY: { description: 'Kubernetes networking.k8s.io/v1 NetworkPolicy (`knp`).' },
    KUBERNETES_CLUSTER_NETWORK_POLICY: { description: 'Kubernetes ClusterNetworkPolicy (`kcnp`).' },
    PROFILE: { description: 'A Calico profile (tier `__PROFILE__`, e.g. `kns.shop`).' },
    END_OF_TIER: {
      description:
        'No rule of the tier matched an endpoint its policies select: the tier default action. The trigger names the selecting policy.',
    },
  },
});

export enum FlowSortEnum {
  TIME = 'time',
  SOURCE_NAME = 'source_name',
  SOURCE_NAMESPACE = 'source_namespace',
  SOURCE_TYPE = 'source_type',
  DEST_NAME = 'dest_name',
  DEST_NAMESPACE = 'dest_namespace',
  DEST_TYPE = 'dest_type',
}
registerEnumType(FlowSortEnum, {
  name: 'FlowSort',
  description: 'Order of a flow list. Every order but TIME breaks ties newest first.',
  valuesMap: {
    TIME: { description: 'Newest bucket first (the default).' },
    SOURCE_NAME: { description: 'Source name, A to Z.' },
    SOURCE_NAMESPACE: { description: 'Source namespace, A to Z.' },
    SOURCE_TYPE: { description: 'Source endpoint type, A to Z.' },
    DEST_NAME: { description: 'Destination name, A to Z.' },
    DEST_NAMESPACE: { description: 'Destination namespace, A to Z.' },
    DEST_TYPE: { description: 'Destination endpoint type, A to Z.' },
  },
});

export enum StringMatchTypeEnum {
  EXACT = 'exact',
  FUZZY = 'fuzzy',
}
registerEnumType(StringMatchTypeEnum, {
  name: 'StringMatchType',
  description: 'How a filter string matches.',
  valuesMap: {
    EXACT: { description: 'The whole value, exactly.' },
    FUZZY: { description: 'A case-sensitive substring of the value.' },
  },
});

export enum FlowFilterHintTypeEnum {
  DEST_NAME = 'dest_name',
  SOURCE_NAME = 'source_name',
  DEST_NAMESPACE = 'dest_namespace',
  SOURCE_NAMESPACE = 'source_namespace',
  POLICY_TIER = 'policy_tier',
  POLICY_NAME = 'policy_name',
  POLICY_KIND = 'policy_kind',
  POLICY_NAMESPACE = 'policy_namespace',
}
registerEnumType(FlowFilterHintTypeEnum, {
  name: 'FlowFilterHintType',
  description: 'Which values flowFilterHints lists.',
  valuesMap: {
    DEST_NAME: { description: 'Destination names.' },
    SOURCE_NAME: { description: 'Source names.' },
    DEST_NAMESPACE: { description: 'Destination namespaces (`-` = not namespaced).' },
    SOURCE_NAMESPACE: { description: 'Source namespaces (`-` = not namespaced).' },
    POLICY_TIER: { description: 'Tiers of the policies in enforced and pending traces.' },
    POLICY_NAME: { description: 'Names of the policies in enforced and pending traces (profiles omitted).' },
    POLICY_KIND: { description: 'Kinds of the policies in enforced and pending traces (profiles omitted).' },
    POLICY_NAMESPACE: { description: 'Namespaces of the namespaced policies in the traces.' },
  },
});

export enum PolicyStatisticsGroupEnum {
  POLICY = 'policy',
  RULE = 'rule',
}
registerEnumType(PolicyStatisticsGroupEnum, {
  name: 'PolicyStatisticsGroup',
  description: 'Granularity of policy statistics.',
  valuesMap: {
    POLICY: { description: 'One entry per policy.' },
    RULE: { description: 'One entry per rule of a policy (rule -1: the tier default, EndOfTier).' },
  },
});

export enum ServiceGraphNodeTypeEnum {
  NAMESPACE = 'namespace',
  WORKLOAD = 'workload',
  SERVICE = 'service',
  NETWORK_SET = 'network_set',
  HOST = 'host',
  NETWORK = 'network',
}
registerEnumType(ServiceGraphNodeTypeEnum, {
  name: 'ServiceGraphNodeType',
  description: 'What a service graph node stands for.',
  valuesMap: {
    NAMESPACE: { description: 'A namespace: the parent of its workloads and services.' },
    WORKLOAD: { description: 'Pods of one controller (a name prefix ending in `*`).' },
    SERVICE: { description: 'A Kubernetes Service the traffic was addressed to.' },
    NETWORK_SET: { description: 'A NetworkSet or GlobalNetworkSet.' },
    HOST: { description: 'A host endpoint.' },
    NETWORK: { description: 'The public (`pub`) or private (`pvt`) network outside any known endpoint.' },
  },
});
