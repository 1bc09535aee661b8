export declare const CALICO_API_VERSION = "projectcalico.org/v3";
export declare const K8S_NETWORKING_API_VERSION = "networking.k8s.io/v1";
export type CalicoKind = 'Tier' | 'NetworkPolicy' | 'GlobalNetworkPolicy' | 'StagedNetworkPolicy' | 'StagedGlobalNetworkPolicy' | 'StagedKubernetesNetworkPolicy' | 'NetworkSet' | 'GlobalNetworkSet' | 'HostEndpoint' | 'FelixConfiguration';
export type Labels = Readonly<Record<string, string>>;
export interface ObjectMeta {
    name: string;
    /** Present exactly on namespaced kinds. */
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}
export type Action = 'Allow' | 'Deny' | 'Log' | 'Pass';
export type PolicyType = 'Ingress' | 'Egress';
export type StagedAction = 'Set' | 'Delete' | 'Learn' | 'Ignore';
/** Named protocols are case-sensitive; numeric protocols are 1..255. */
export type Protocol = 'TCP' | 'UDP' | 'ICMP' | 'ICMPv6' | 'SCTP' | 'UDPLite' | number;
/** A port entry as written: a number (1..65535), `"a:b"` inclusive range, or a named port. */
export type Port = number | string;
export interface IcmpFields {
    type?: number;
    code?: number;
}
export interface ServiceAccountMatch {
    names?: string[];
    selector?: string;
}
export interface ServiceMatch {
    name: string;
    namespace?: string;
}
export interface EntityRule {
    nets?: string[];
    notNets?: string[];
    selector?: string;
    notSelector?: string;
    namespaceSelector?: string;
    serviceAccounts?: ServiceAccountMatch;
    ports?: Port[];
    notPorts?: Port[];
    services?: ServiceMatch;
}
export interface HttpPathMatch {
    exact?: string;
    prefix?: string;
}
export interface HttpMatch {
    methods?: string[];
    paths?: HttpPathMatch[];
}
export interface Rule {
    action: Action;
    ipVersion?: 4 | 6;
    protocol?: Protocol;
    notProtocol?: Protocol;
    icmp?: IcmpFields;
    notICMP?: IcmpFields;
    source?: EntityRule;
    destination?: EntityRule;
    http?: HttpMatch;
    metadata?: {
        annotations?: Record<string, string>;
    };
}
export interface PolicySpecCommon {
    /** Always set after defaulting (`default` when empty). */
    tier: string;
    /** Undefined means +infinity (sorted last). */
    order?: number;
    selector?: string;
    serviceAccountSelector?: string;
    /** Never empty after defaulting, except on a staged `Delete`, which carries no spec (§2.5). */
    types: PolicyType[];
    ingress?: Rule[];
    egress?: Rule[];
    performanceHints?: 'AssumeNeededOnEveryNode'[];
}
export type NetworkPolicySpec = PolicySpecCommon;
export interface GlobalNetworkPolicySpec extends PolicySpecCommon {
    namespaceSelector?: string;
    doNotTrack?: boolean;
    preDNAT?: boolean;
    applyOnForward?: boolean;
}
export interface TierSpec {
    /** Always set after defaulting (1 000 000 when absent). */
    order: number;
    /** Always set after defaulting (`Deny` when absent). */
    defaultAction: 'Deny' | 'Pass';
}
export interface NetworkSetSpec {
    nets?: string[];
}
export interface HostEndpointPort {
    name: string;
    protocol: 'TCP' | 'UDP' | 'SCTP';
    port: number;
}
export interface HostEndpointSpec {
    node: string;
    interfaceName?: string;
    expectedIPs?: string[];
    profiles?: string[];
    ports?: HostEndpointPort[];
}
/**
 * FelixConfiguration spec: the settings Palisade validates are typed; any other Felix setting is
 * kept as written, unvalidated (felix-configuration.ts).
 */
export interface FelixConfigurationSpec {
    wireguardEnabled?: boolean;
    wireguardEnabledV6?: boolean;
    wireguardListeningPort?: number;
    wireguardMTU?: number;
    bpfEnabled?: boolean;
    bpfExternalServiceMode?: string;
    nftablesMode?: 'Disabled' | 'Enabled' | 'Auto';
    flowLogsFlushInterval?: string;
    flowLogsFileAggregationKindForAllowed?: number;
    flowLogsFileAggregationKindForDenied?: number;
    policySyncPathPrefix?: string;
    [unvalidated: string]: unknown;
}
export interface LabelSelectorRequirement {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
}
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: LabelSelectorRequirement[];
}
export interface K8sIpBlock {
    cidr: string;
    except?: string[];
}
export interface K8sNetworkPolicyPeer {
    podSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    ipBlock?: K8sIpBlock;
}
export interface K8sNetworkPolicyPort {
    protocol?: 'TCP' | 'UDP' | 'SCTP';
    port?: number | string;
    endPort?: number;
}
export interface K8sIngressRule {
    from?: K8sNetworkPolicyPeer[];
    ports?: K8sNetworkPolicyPort[];
}
export interface K8sEgressRule {
    to?: K8sNetworkPolicyPeer[];
    ports?: K8sNetworkPolicyPort[];
}
export interface K8sNetworkPolicySpec {
    podSelector: LabelSelector;
    policyTypes?: PolicyType[];
    ingress?: K8sIngressRule[];
    egress?: K8sEgressRule[];
}
interface CalicoResourceBase<K extends CalicoKind, S> {
    apiVersion: typeof CALICO_API_VERSION;
    kind: K;
    metadata: ObjectMeta;
    spec: S;
}
export type Tier = CalicoResourceBase<'Tier', TierSpec>;
export type NetworkPolicy = CalicoResourceBase<'NetworkPolicy', NetworkPolicySpec>;
export type GlobalNetworkPolicy = CalicoResourceBase<'GlobalNetworkPolicy', GlobalNetworkPolicySpec>;
export type StagedNetworkPolicy = CalicoResourceBase<'StagedNetworkPolicy', NetworkPolicySpec & {
    stagedAction: StagedAction;
}>;
export type StagedGlobalNetworkPolicy = CalicoResourceBase<'StagedGlobalNetworkPolicy', GlobalNetworkPolicySpec & {
    stagedAction: StagedAction;
}>;
export type StagedKubernetesNetworkPolicy = CalicoResourceBase<'StagedKubernetesNetworkPolicy', K8sNetworkPolicySpec & {
    stagedAction: StagedAction;
}>;
export type NetworkSet = CalicoResourceBase<'NetworkSet', NetworkSetSpec>;
export type GlobalNetworkSet = CalicoResourceBase<'GlobalNetworkSet', NetworkSetSpec>;
export type HostEndpoint = CalicoResourceBase<'HostEndpoint', HostEndpointSpec>;
export type FelixConfiguration = CalicoResourceBase<'FelixConfiguration', FelixConfigurationSpec>;
export interface KubernetesNetworkPolicy {
    apiVersion: typeof K8S_NETWORKING_API_VERSION;
    kind: 'NetworkPolicy';
    metadata: ObjectMeta;
    spec: K8sNetworkPolicySpec;
}
export type CalicoResource = Tier | NetworkPolicy | GlobalNetworkPolicy | StagedNetworkPolicy | StagedGlobalNetworkPolicy | StagedKubernetesNetworkPolicy | NetworkSet | GlobalNetworkSet | HostEndpoint | FelixConfiguration;
/** Every resource kind Palisade stores, validates and evaluates. */
export type PolicyResource = CalicoResource | KubernetesNetworkPolicy;
/** The identity of a resource: apiVersion's group, kind, namespace (if any) and name. */
export type ResourceKindKey = CalicoKind | 'KubernetesNetworkPolicy';
export declare function resourceKindKey(r: Pick<PolicyResource, 'apiVersion' | 'kind'>): ResourceKindKey;
export {};
