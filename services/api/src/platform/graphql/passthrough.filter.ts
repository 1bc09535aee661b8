// Lets errors thrown by GraphQL resolvers and guards reach the GraphQL error formatter untouched
// (Nest's default handler would log every expected AppError as an "unhandled" exception).
import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';

@Catch()
export class GraphQLPassthroughFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'graphql') throw exception;
    return exception;
  }
}
