import { QueryClientProvider } from '@tanstack/react-query';
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  RouterProvider,
} from '@tanstack/react-router';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../../lib/query-client';
import { mockApi } from '../../../test/render-app';
import { EncryptionCard } from './encryption-card';

afterEach(() => vi.unstubAllGlobals());

function renderCard() {
  const root = createRootRoute();
  const page = createRoute({
    getParentRoute: () => root,
    path: '/',
    component: () => <EncryptionCard slug="acme" />,
  });
  const cluster = createRoute({ getParentRoute: () => root, path: '/o/$slug/clusters/$name' });
  const router = createRouter({
    routeTree: root.addChildren([page, cluster]),
    history: createMemoryHistory({ initialEntries: ['/'] }),
  });
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe('EncryptionCard', () => {
  it('shows the nodes encrypting over the nodes, in total and per cluster', async () => {
    mockApi({
      EncryptionCoverage: () => ({
        organization: {
          id: 'o',
          encryptionCoverage: {
            nodes: 9,
            encryptingNodes: 4,
            clusters: [
              { clusterName: 'prod-eu', nodes: 3, encryptingNodes: 2 },
              { clusterName: 'prod-us', nodes: 3, encryptingNodes: 2 },
              { clusterName: 'staging', nodes: 3, encryptingNodes: 0 },
            ],
          },
        },
      }),
    });
    renderCard();
    expect((await screen.findByText('4 / 9')).getAttribute('data-stat')).toBe('encrypting-nodes');
    expect(screen.getByRole('link', { name: 'staging' }).getAttribute('href')).toBe(
      '/o/acme/clusters/staging',
    );
    expect(screen.getAllByText('2 of 3 nodes')).toHaveLength(2);
    expect(screen.getByText('0 of 3 nodes')).toBeTruthy();
  });
});
