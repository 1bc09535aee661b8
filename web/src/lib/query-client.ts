// TanStack Query defaults: retry only what retrying can fix (network trouble, rate limits), never a
// refusal or invalid input; refetch on focus so a long-open tab catches up.
import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './graphql-client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, error) =>
          count < 2 && (isApiError(error, 'NETWORK') || isApiError(error, 'RATE_LIMITED')),
      },
      mutations: { retry: false },
    },
  });
}
