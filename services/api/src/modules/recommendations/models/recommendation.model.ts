// GraphQL types of policy recommendations: the recommended staged policy per cluster and
// namespace with its state and the flows behind each rule, and the organisation's scope setting.
import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../../../platform/graphql/connection.js';

export enum RecommendationStateEnum {
  ACCEPTED = 'ACCEPTED',
  DISMISSED = 'DISMISSED',
  ENFORCED = 'ENFORCED',
  RECOMMENDED = 'RECOMMENDED',
}
registerEnumType(RecommendationStateEnum, {
  name: 'RecommendationState',
  description: 'Where a recommendation is in its life.',
  valuesMap: {
    ACCEPTED: { description: 'Stored as a staged policy, on the board; not yet enforced.' },
    DISMISSED: { description: 'Set aside; never updated again.' },
    ENFORCED: { description: 'Its staged policy was promoted to an enforced one.' },
    RECOMMENDED: { description: 'Proposed, and refreshed as new flows arrive.' },
  },
});

export enum IntraNamespaceEnum {
  ALLOW = 'ALLOW',
  PASS = 'PASS',
}
registerEnumType(IntraNamespaceEnum, {
  name: 'IntraNamespaceTraffic',
  description: 'What a recommendation does with traffic inside its namespace.',
  valuesMap: {
    ALLOW: { description: 'One rule allows it.' },
    PASS: { description: 'One rule passes it to the next tiers.' },
  },
});

@ObjectType('RecommendedRuleSource', {
  description: 'The flows one rule of a recommendation was built from.',
})
export class RecommendedRuleSourceModel {
  @Field(() => String, { description: 'INGRESS or EGRESS rules of the policy, lower case.' })
  direction!: string;
  @Field(() => Int, { description: 'Index of the rule in that list.' }) index!: number;
  @Field(() => [String], { description: 'Ids of the flow keys (hash of their fields) behind the rule.' })
  flowKeys!: string[];
}

@ObjectType('PolicyRecommendation', {
  description:
    'A recommended StagedNetworkPolicy for one namespace of one cluster, built from uncovered flows.',
})
export class PolicyRecommendationModel {
  @Field(() => ID, { description: 'Its id.' }) id!: string;
  @Field(() => String, { description: 'Name of the cluster.' }) cluster!: string;
  @Field(() => String, { description: 'The namespace it isolates.' }) namespace!: string;
  @Field(() => RecommendationStateEnum, { description: 'Its state.' }) state!: RecommendationStateEnum;
  @Field(() => String, { description: 'The recommended policy as YAML (rules annotated with their flows).' })
  yaml!: string;
  @Field(() => [RecommendedRuleSourceModel], { description: 'Per rule, the flow keys that produced it.' })
  rules!: RecommendedRuleSourceModel[];
  @Field(() => Int, {
    description: 'Uncovered flow keys no rule could express (host endpoints, unlabelled sets).',
  })
  unmatchedFlows!: number;
  @Field(() => Date, { description: 'Start of the flows window it was built from.' }) windowFrom!: Date;
  @Field(() => Date, { description: 'End of that window.' }) windowTo!: Date;
  @Field(() => Date, { description: 'When its content last changed.' }) changedAt!: Date;
  @Field(() => Boolean, { description: 'True once unchanged for the stabilisation period of the scope.' })
  stable!: boolean;
}

export const PolicyRecommendationConnection = Connection(PolicyRecommendationModel, 'PolicyRecommendation');

@ObjectType('RecommendationScope', {
  description: "How the organisation's recommendations are made (Calico's defaults).",
})
export class RecommendationScopeModel {
  @Field(() => Boolean, { description: 'Whether the repeatable job refreshes recommendations.' })
  enabled!: boolean;
  @Field(() => Int, { description: 'Seconds between refreshes.' }) intervalSeconds!: number;
  @Field(() => Int, { description: 'Seconds of flows a recommendation is built from.' })
  initialLookbackSeconds!: number;
  @Field(() => Int, { description: 'Seconds without change after which a recommendation is stable.' })
  stabilizationSeconds!: number;
  @Field(() => [String], { description: 'Namespaces starting with one of these get no recommendation.' })
  excludedNamespacePrefixes!: string[];
  @Field(() => IntraNamespaceEnum, { description: 'Same-namespace traffic: allowed or passed.' })
  intraNamespace!: IntraNamespaceEnum;
  @Field(() => Date, { nullable: true, description: 'Last refresh by the job; null before the first.' })
  refreshedAt!: Date | null;
}
