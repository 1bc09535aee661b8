// The service graph page's state and links, with the API answered at fetch. The WebGL canvas is
// replaced (jsdom has no WebGL); the node list beside it drives selection and expansion, as a
// keyboard user would.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../test/render-app';

vi.mock('../lib/subscriptions', () => ({ subscribe: () => () => undefined }));
vi.mock('../features/service-graph/components/graph-canvas', () => ({
  default: ({ graph }: { graph: { nodes: unknown[] } }) => (
    <div data-testid="graph-canvas">{graph.nodes.length} drawn</div>
  ),
}));

const c = (connectionsStarted: number) => ({
  connectionsStarted,
  packetsIn: 0,
  packetsOut: 0,
  bytesIn: 0,
  bytesOut: 0,
});

function api(moreNodes: object[] = []) {
  return mockApi({
    Viewer: () => viewerFixture('AUDITOR'),
    OrgHeader: () => orgHeaderFixture('AUDITOR'),
    FlowClusters: () => ({
      organization: { id: 'o1', clusters: { edges: [{ node: { id: 'c1', name: 'staging' } }] } },
    }),
    ServiceGraph: () => ({
      organization: {
        id: 'o1',
        serviceGraph: {
          from: '2026-01-01T11:00:00Z',
          to: '2026-01-01T12:00:00Z',
          truncated: false,
          nodes: [
            {
              id: 'ns-pay',
              cluster: 'staging',
              name: 'payments',
              namespace: null,
              parentId: null,
              type: 'NAMESPACE',
            },
            {
              id: 'ns-ord',
              cluster: 'staging',
              name: 'orders',
              namespace: null,
              parentId: null,
              type: 'NAMESPACE',
            },
            {
              id: 'w-api',
              cluster: 'staging',
              name: 'api-*',
              namespace: 'payments',
              parentId: 'ns-pay',
              type: 'WORKLOAD',
            },
            {
              id: 'w-ord',
              cluster: 'staging',
              name: 'orders-*',
              namespace: 'orders',
              parentId: 'ns-ord',
              type: 'WORKLOAD',
            },
            ...moreNodes,
          ],
          edges: [
            { sourceId: 'w-ord', destId: 'w-api', allowed: c(40), deniedAtSource: c(0), deniedAtDest: c(3) },
          ],
        },
      },
    }),
  });
}

describe('service graph page', () => {
  it('draws namespaces, expands one into workloads and links a selected node to its flows', async () => {
    api();
    renderApp('/o/acme/service-graph');
    const nodes = await screen.findByRole('region', { name: 'Nodes' });
    expect((await screen.findByTestId('graph-canvas')).textContent).toBe('2 drawn');
    fireEvent.click(within(nodes).getByRole('button', { name: 'Expand payments' }));
    await within(nodes).findByRole('button', { name: /^payments\/api-\* Workload/ });
    expect(screen.getByTestId('graph-canvas').textContent).toBe('2 drawn');

    fireEvent.click(within(nodes).getByRole('button', { name: /^payments\/api-\* Workload/ }));
    const panel = await screen.findByRole('region', { name: /^payments\/api-\*/ });
    // orders → payments/api-*: 40 allowed, 3 denied at the destination.
    expect(within(panel).getByText('Allowed').nextSibling?.textContent).toBe('40');
    expect(within(panel).getByText('Denied at destination').nextSibling?.textContent).toBe('3');
    const to = within(panel).getByRole('link', { name: 'Flows to payments/api-*' });
    const href = new URL(to.getAttribute('href')!, 'http://x');
    expect(href.pathname).toBe('/o/acme/flows');
    expect(JSON.parse(href.searchParams.get('clusters')!)).toEqual(['staging']);
    expect(JSON.parse(href.searchParams.get('dstNs')!)).toEqual(['payments']);
    expect(JSON.parse(href.searchParams.get('dstName')!)).toEqual(['api-*']);

    fireEvent.click(within(panel).getByRole('button', { name: 'Collapse payments' }));
    await waitFor(() =>
      expect(within(nodes).queryByRole('button', { name: /^payments\/api-\*/ })).toBeNull(),
    );
  });

  it('finds a node by name', async () => {
    api();
    renderApp('/o/acme/service-graph');
    const nodes = await screen.findByRole('region', { name: 'Nodes' });
    await within(nodes).findByRole('button', { name: /^orders Namespace/ });
    fireEvent.change(screen.getByLabelText('Find a node'), { target: { value: 'pay' } });
    expect(within(nodes).queryByRole('button', { name: /^orders Namespace/ })).toBeNull();
    expect(within(nodes).getByRole('button', { name: /^payments Namespace/ })).toBeTruthy();
  });

  it('names the cluster of each listed node when the graph spans several clusters', async () => {
    api([
      {
        id: 'ns-pay-prod',
        cluster: 'prod',
        name: 'payments',
        namespace: null,
        parentId: null,
        type: 'NAMESPACE',
      },
    ]);
    renderApp('/o/acme/service-graph');
    const nodes = await screen.findByRole('region', { name: 'Nodes' });
    await within(nodes).findByRole('button', { name: 'payments Namespace in staging' });
    expect(within(nodes).getByRole('button', { name: 'payments Namespace in prod' })).toBeTruthy();
  });
});
