// Domain errors with a code from a closed set. Services throw these; the GraphQL error formatter
// (platform/graphql/error-formatter.ts) maps them to `extensions.code`. Anything that is not an
// AppError reaches clients only as INTERNAL with an error id that is also logged. The set of codes
// is @palisade/access's, shared with the console.
import type { ErrorCode } from '@palisade/access';

export interface FieldIssue {
  /** Path of the bad field from the operation's arguments, e.g. ["input", "slug"]. */
  path: (string | number)[];
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  /** Set on INTERNAL errors: the id under which the real cause was logged. */
  errorId: string | null = null;
  /** Set on RATE_LIMITED errors: sent as the Retry-After header and in the extensions. */
  retryAfterSeconds: number | null = null;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }

  /**
   * graphql-js copies this onto the GraphQLError it wraps the error in, so the code survives paths
   * that skip the error formatter (Mercurius sends subscription set-up errors over the WebSocket
   * without formatting them).
   */
  get extensions(): Record<string, unknown> {
    const first = this.issues[0];
    if (first) return { code: this.code, field: first.path, issues: this.issues };
    if (this.retryAfterSeconds !== null)
      return { code: this.code, retryAfterSeconds: this.retryAfterSeconds };
    return this.errorId ? { code: this.code, errorId: this.errorId } : { code: this.code };
  }

  /** What a client sees of an unexpected failure: INTERNAL and an id, never the cause. */
  static internal(errorId: string): AppError {
    const err = new AppError('INTERNAL', `internal error (error id ${errorId})`);
    err.errorId = errorId;
    return err;
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }

  static validation(issues: FieldIssue[]): AppError {
    const first = issues[0];
    const message = first ? `${first.path.join('.')}: ${first.message}` : 'invalid input';
    return new AppError('VALIDATION_FAILED', message, issues);
  }
}
