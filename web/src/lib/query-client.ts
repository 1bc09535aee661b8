// TanStack Query defaults: retry only what retrying can fix (network trouble, rate limits), never a
// refusal or invalid input. Cached data shows at once and is revalidated on every mount and focus
// (staleTime 0): other members change the same organisation, and a page must not show their
// changes late. Only the viewer and the org header, which rarely change, are kept longer.
import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './graphql-client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 0,
        retry: (count, error) =>
          count < 2 && (isApiError(error, 'NETWORK') || isApiError(error, 'RATE_LIMITED')),
      },
      mutations: { retry: false },
    },
  });
}
