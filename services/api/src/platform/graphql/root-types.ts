// Descriptions of the three root operation types. Code-first @nestjs/graphql builds Query, Mutation
// and Subscription itself and takes no description for them, so they are set here, through the
// GraphQL module's transformSchema hook, on the schema that is both served and printed.
import type { GraphQLSchema } from 'graphql';

export function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (query) query.description = 'Reads. Start at viewer (who is calling) or organization(slug).';
  if (mutation)
    mutation.description =
      'Changes. Each takes one input argument; each change is written with its audit event in one transaction.';
  if (subscription)
    subscription.description =
      'Live events over WebSocket (graphql-transport-ws protocol at /graphql); see docs/api.md.';
  return schema;
}
