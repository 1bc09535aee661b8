// The error our scalars throw for a value they cannot accept. Deliberately not a GraphQLError:
// graphql-js then wraps it with the location and the offending value ("Variable "$f" got invalid
// value "yesterday" at "f.from"; …", "Expected value of type "DateTime", found "x"; …") and keeps it
// as the cause, which error-formatter.ts maps to VALIDATION_FAILED.
export class InvalidScalarValueError extends Error {
  override readonly name = 'InvalidScalarValueError';

  /** Copied by graphql-js onto the GraphQLError that wraps this one. */
  get extensions(): Record<string, unknown> {
    return { code: 'VALIDATION_FAILED' };
  }
}
