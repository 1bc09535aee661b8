// Renders the whole console at a URL with the API answered by `handlers` (by operation name), for
// tests of pages as a member with a given role sees them.
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, RouterProvider } from '@tanstack/react-router';
import { render } from '@testing-library/react';
import { vi } from 'vitest';
import { ToastProvider } from '../components/ui/toast';
import { createQueryClient } from '../lib/query-client';
import { createAppRouter } from '../routes/router';

export type Handler = (variables: Record<string, unknown>) => unknown;

export interface GqlCall {
  operation: string;
  variables: Record<string, unknown>;
}

export function mockApi(handlers: Record<string, Handler>): GqlCall[] {
  const calls: GqlCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((_url: string, init: RequestInit) => {
      const body = JSON.parse(typeof init.body === 'string' ? init.body : '{}') as {
        query: string;
        variables: Record<string, unknown>;
      };
      const operation = /(?:query|mutation|subscription)\s+(\w+)/.exec(body.query)?.[1] ?? '?';
      calls.push({ operation, variables: body.variables });
      const handler = handlers[operation];
      const payload = handler
        ? { data: handler(body.variables) }
        : { errors: [{ message: `no mock for ${operation}`, extensions: { code: 'INTERNAL' } }] };
      return Promise.resolve(
        new Response(JSON.stringify(payload), { headers: { 'content-type': 'application/json' } }),
      );
    }),
  );
  return calls;
}

export function renderApp(url: string) {
  const client = createQueryClient();
  const router = createAppRouter(client, createMemoryHistory({ initialEntries: [url] }));
  return render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

export function viewerFixture(role: string, slug = 'acme') {
  return {
    viewer: {
      kind: 'USER',
      user: { id: 'u1', email: 'alice@example.com', name: 'Alice' },
      organizations: { edges: [{ node: { id: 'o1', slug, name: 'Acme', viewerRole: role } }] },
      invitations: [],
    },
  };
}

export function orgHeaderFixture(role: string, slug = 'acme') {
  return { organization: { id: 'o1', slug, name: 'Acme', viewerRole: role } };
}
