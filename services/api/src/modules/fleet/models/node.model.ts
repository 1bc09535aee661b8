// GraphQL shapes of fleet configuration as clusters run it (decision 0091): nodes with their
// dataplane and WireGuard state, and encryption coverage. The Dataplane enum is built from the
// protocol's list, the one home of the values agents report.
import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DATAPLANES, type Dataplane } from '@palisade/protocol';

export const DataplaneEnum = Object.fromEntries(DATAPLANES.map((d) => [d.toUpperCase(), d])) as {
  readonly [D in Dataplane as Uppercase<D>]: D;
};
registerEnumType(DataplaneEnum, {
  name: 'Dataplane',
  description: 'The dataplane Felix runs on a node, from its FelixConfiguration.',
  valuesMap: {
    IPTABLES: { description: 'iptables (Felix’s default).' },
    NFTABLES: { description: 'nftables (FelixConfiguration nftablesMode: Enabled).' },
    BPF: { description: 'eBPF (FelixConfiguration bpfEnabled: true).' },
  },
});

@ObjectType('ClusterNode', { description: 'A node of a cluster as its agent last reported it.' })
export class ClusterNodeModel {
  @Field(() => String, { description: 'Node name.' }) name!: string;
  @Field(() => DataplaneEnum, { description: 'The dataplane Felix runs on the node.' }) dataplane!: Dataplane;
  @Field(() => Boolean, { description: 'Whether WireGuard is enabled for the node (FelixConfiguration).' })
  wireguardEnabled!: boolean;
  @Field(() => Boolean, {
    description:
      'Whether the node published its WireGuard public key (annotation projectcalico.org/WireguardPublicKey); peers encrypt to it only then.',
  })
  wireguardPublicKey!: boolean;
  @Field(() => Boolean, {
    description: 'WireGuard enabled and public key present: traffic to the node is encrypted.',
  })
  encrypting!: boolean;
  @Field(() => Int, { nullable: true, description: 'WireGuard interface MTU; null when WireGuard is off.' })
  mtu!: number | null;
  @Field(() => String, { nullable: true, description: 'Calico version on the node, when known.' })
  calicoVersion!: string | null;
  @Field(() => Date, { description: 'When the agent reported it.' }) reportedAt!: Date;
}

@ObjectType('ClusterEncryption', { description: 'Encryption in transit of one cluster’s nodes.' })
export class ClusterEncryptionModel {
  @Field(() => String, { description: 'Cluster name.' }) clusterName!: string;
  @Field(() => Int, { description: 'Nodes reported.' }) nodes!: number;
  @Field(() => Int, { description: 'Nodes encrypting (WireGuard enabled, public key present).' })
  encryptingNodes!: number;
}

@ObjectType('EncryptionCoverage', {
  description:
    'Encryption in transit across the organisation: encrypting nodes over nodes, per cluster and in total.',
})
export class EncryptionCoverageModel {
  @Field(() => Int, { description: 'Nodes reported by every cluster.' }) nodes!: number;
  @Field(() => Int, { description: 'Of those, nodes encrypting.' }) encryptingNodes!: number;
  @Field(() => [ClusterEncryptionModel], { description: 'Per cluster, by name.' })
  clusters!: ClusterEncryptionModel[];
}
