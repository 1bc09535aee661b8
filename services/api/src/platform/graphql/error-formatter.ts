// The one mapping from thrown errors to GraphQL error responses:
//  - AppError            -> its code; validation errors also carry the bad fields' paths
//  - a scalar's refusal  -> VALIDATION_FAILED (HTTP 400), with graphql-js's message naming the value
//  - GraphQL parse/validation/coercion errors, malformed bodies -> BAD_REQUEST (HTTP 400)
//  - oversized bodies    -> BAD_REQUEST with HTTP 413
//  - anything else       -> INTERNAL with an error id that is also logged; never a stack trace
import {
  GraphQLError,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { isErrorCode } from '@palisade/access';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import { logInternalError } from '../errors/internal-error.js';
import { InvalidScalarValueError } from './invalid-scalar.js';

interface WithStatus {
  statusCode?: unknown;
  errors?: unknown;
  code?: unknown;
}

function flatten(errors: readonly GraphQLError[]): GraphQLError[] {
  const out: GraphQLError[] = [];
  for (const e of errors) {
    const inner = (e.originalError as WithStatus | undefined)?.errors;
    if (Array.isArray(inner)) {
      for (const i of inner)
        out.push(i instanceof GraphQLError ? i : new GraphQLError(String((i as Error).message)));
    } else {
      out.push(e);
    }
  }
  return out;
}

export function formatGraphQLErrors(
  execution: ExecutionResult & { errors: readonly GraphQLError[] },
  log: Logger,
): { statusCode: number; response: FormattedExecutionResult } {
  let httpStatus: number | null = null;
  let badRequest = false;
  const formatted = flatten(execution.errors).map((err): GraphQLFormattedError => {
    const base = {
      message: err.message,
      ...(err.locations ? { locations: err.locations } : {}),
      ...(err.path ? { path: err.path } : {}),
    };
    const orig = err.originalError as (Error & WithStatus) | undefined;
    if (orig instanceof AppError) {
      // Refusals of the request itself (pre-parse guard) are HTTP 400 like graphql-js's own.
      if (orig.code === 'BAD_REQUEST') badRequest = true;
      // The Retry-After header is set where the limit was hit (request-limits.ts).
      if (orig.code === 'RATE_LIMITED') httpStatus = 429;
      return { ...base, message: orig.message, extensions: orig.extensions };
    }
    if (orig instanceof InvalidScalarValueError) {
      badRequest = true;
      return { ...base, extensions: { code: 'VALIDATION_FAILED' } };
    }
    const status = typeof orig?.statusCode === 'number' ? orig.statusCode : null;
    if (status !== null && status >= 400 && status < 500) {
      httpStatus = status;
      badRequest = true;
      const message = status === 413 ? 'request body is too large' : err.message;
      return { message, extensions: { code: 'BAD_REQUEST' } };
    }
    if (!orig || orig instanceof GraphQLError) {
      // Parse, validation and variable-coercion errors come from graphql-js without a cause.
      badRequest = true;
      const code = isErrorCode(err.extensions?.['code']) ? err.extensions['code'] : 'BAD_REQUEST';
      return { ...base, extensions: { code } };
    }
    const internal = logInternalError(log, orig, 'GraphQL resolver', { path: err.path });
    return { ...base, message: internal.message, extensions: internal.extensions };
  });
  const data = execution.data ?? null;

  const statusCode = httpStatus ?? (data === null && badRequest ? 400 : 200);
  return { statusCode, response: { data, errors: formatted } };
}
