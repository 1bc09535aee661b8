// ErrorState: a failed load, with the API's message, its error id for support, and a retry.
import { isApiError } from '../../lib/graphql-client';
import { Button } from './button';

export function errorMessage(error: unknown): string {
  if (isApiError(error, 'FORBIDDEN')) return 'Your role does not allow this.';
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorState({
  title = 'Something went wrong',
  error,
  onRetry,
}: {
  title?: string;
  error: unknown;
  onRetry?: () => void;
}) {
  const errorId = isApiError(error) ? error.errorId : undefined;
  return (
    <div className="ui-state ui-state--error" role="alert">
      <h3>{title}</h3>
      <p>{errorMessage(error)}</p>
      {errorId && <p className="mono">Error id: {errorId}</p>}
      {onRetry && <Button onClick={onRetry}>Try again</Button>}
    </div>
  );
}
