// The flow explorer as a viewer sees it, with the API answered at fetch: the URL's chips become
// the API filter, a chip is removed from the URL, a row explains its verdict through the tiers
// with links to the managed policies only.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { FlowRowFieldsFragment } from '../generated/graphql';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture, type GqlCall } from '../test/render-app';

// The live stream: the test delivers flowsLive events itself.
const live = vi.hoisted(() => {
  const state: { next?: ((data: unknown) => void) | undefined; variables?: unknown } = {};
  return state;
});
vi.mock('../lib/subscriptions', () => ({
  subscribe: (_doc: unknown, variables: unknown, handlers: { next: (data: unknown) => void }) => {
    live.next = handlers.next;
    live.variables = variables;
    return () => {
      live.next = undefined;
    };
  },
}));

const hit = (h: Partial<FlowRowFieldsFragment['enforcedPolicies'][number]>) => ({
  policyIndex: 0,
  tier: 'default',
  kind: 'CALICO_NETWORK_POLICY',
  namespace: null,
  name: 'x',
  action: 'ALLOW',
  ruleIndex: 0,
  trigger: null,
  ...h,
});

const flow: FlowRowFieldsFragment = {
  id: 'f1',
  startTime: '2026-01-01T12:00:00Z',
  endTime: '2026-01-01T12:00:15Z',
  cluster: { id: 'c1', name: 'shop' },
  sourceType: 'WEP',
  sourceNamespace: 'frontend',
  sourceName: 'storefront-*',
  destType: 'WEP',
  destNamespace: 'db',
  destName: 'postgres-*',
  destPort: 5432,
  destServiceNamespace: '-',
  destServiceName: '-',
  destServicePort: null,
  proto: 'tcp',
  reporter: 'DST',
  action: 'DENY',
  pendingAction: 'ALLOW',
  numFlows: 3,
  numFlowsStarted: 3,
  numFlowsCompleted: 0,
  packetsIn: 6,
  packetsOut: 0,
  bytesIn: 360,
  bytesOut: 0,
  sourceLabels: [],
  destLabels: [],
  enforcedPolicies: [
    hit({
      policyIndex: 0,
      tier: 'security',
      kind: 'GLOBAL_NETWORK_POLICY',
      name: 'quarantine',
      action: 'PASS',
    }),
    hit({
      policyIndex: 1,
      tier: 'default',
      kind: 'END_OF_TIER',
      namespace: 'db',
      name: 'deny-db',
      action: 'DENY',
      ruleIndex: -1,
      trigger: { kind: 'CALICO_NETWORK_POLICY', namespace: 'db', name: 'deny-db' },
    }),
  ],
  pendingPolicies: [
    hit({
      policyIndex: 0,
      tier: '__PROFILE__',
      kind: 'PROFILE',
      name: 'kns.db',
      action: 'ALLOW',
      ruleIndex: 0,
    }),
  ],
} as FlowRowFieldsFragment;

function api(): GqlCall[] {
  return mockApi({
    Viewer: () => viewerFixture('VIEWER'),
    OrgHeader: () => orgHeaderFixture('VIEWER'),
    FlowClusters: () => ({
      organization: { id: 'o1', clusters: { edges: [{ node: { id: 'c1', name: 'shop' } }] } },
    }),
    FlowFilterHints: () => ({
      organization: { id: 'o1', flowFilterHints: { edges: [{ node: { value: 'db' } }] } },
    }),
    Flows: () => ({
      organization: {
        id: 'o1',
        flows: {
          totalCount: 1,
          totalCountExact: true,
          pageInfo: { hasNextPage: false, endCursor: null },
          edges: [{ node: flow }],
        },
      },
    }),
  });
}

const lastFilter = (calls: GqlCall[]) =>
  calls.filter((c) => c.operation === 'Flows').at(-1)?.variables['filter'];

describe('flow explorer', () => {
  it('sends the URL’s chips as the API filter, and removes a chip from the URL', async () => {
    const calls = api();
    renderApp(
      '/o/acme/flows?dstNs=%5B%22db%22%5D&srcName=%5B%22~store%22%5D&action=%5B%22DENY%22%5D&range=%22all%22',
    );
    await screen.findByText('db/postgres-*');
    expect(lastFilter(calls)).toEqual({
      sourceNames: [{ value: 'store', type: 'FUZZY' }],
      destNamespaces: [{ value: 'db', type: 'EXACT' }],
      actions: ['DENY'],
    });
    const chips = screen.getByRole('list', { name: 'Active filters' });
    expect(within(chips).getByText('contains “store”')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove filter Destination namespace: db' }));
    await waitFor(() =>
      expect(lastFilter(calls)).toEqual({
        sourceNames: [{ value: 'store', type: 'FUZZY' }],
        actions: ['DENY'],
      }),
    );
  });

  it('adds a chip from the composer, refusing a value the field cannot take', async () => {
    const calls = api();
    renderApp('/o/acme/flows');
    await screen.findByText('db/postgres-*');
    fireEvent.change(screen.getByLabelText('Filter on'), { target: { value: 'port' } });
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: 'https' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add filter' }));
    expect(await screen.findByText('A port is a number from 0 to 65535.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: '5432' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add filter' }));
    await waitFor(() => expect((lastFilter(calls) as { destPorts?: number[] }).destPorts).toEqual([5432]));
  });

  it('explains a row’s verdict tier by tier, linking managed policies to the editor', async () => {
    api();
    renderApp('/o/acme/flows');
    fireEvent.click(
      await screen.findByRole('button', {
        name: /^Explain the verdict of frontend\/storefront-\* to db\/postgres-\*/,
      }),
    );
    const verdict = await screen.findByRole('region', { name: 'Verdict' });
    const enforced = within(verdict).getByRole('list', { name: 'Enforced trace' });
    const tiers = within(enforced)
      .getAllByRole('listitem')
      .filter((li) => li.classList.contains('trace__tier'));
    expect(tiers.map((t) => t.querySelector('.trace__tier-name')?.textContent)).toEqual([
      'Tier security',
      'Tier default',
    ]);
    expect(within(enforced).getByText(/passed to the next tier/)).toBeTruthy();
    expect(within(enforced).getByText(/End of tier/)).toBeTruthy();
    expect(within(enforced).getByRole('link', { name: 'quarantine' }).getAttribute('href')).toBe(
      '/o/acme/policies/editor?kind=GlobalNetworkPolicy&name=quarantine',
    );
    expect(within(enforced).getByRole('link', { name: 'db/deny-db' }).getAttribute('href')).toBe(
      '/o/acme/policies/editor?kind=NetworkPolicy&name=deny-db&namespace=db',
    );
    const pending = within(verdict).getByRole('list', { name: 'Pending trace' });
    expect(within(pending).getByText(/its profile/)).toBeTruthy();
    expect(within(pending).queryByRole('link')).toBeNull();
    expect(within(verdict).getByRole('note').textContent).toMatch(/would change this verdict/);
  });

  it('streams new flows in above the history, and holds them while paused', async () => {
    api();
    renderApp('/o/acme/flows?dstNs=%5B%22db%22%5D');
    await screen.findByText('db/postgres-*');
    await waitFor(() => expect(live.next).toBeDefined());
    // The live filter is the table's, without a time window.
    expect(live.variables).toEqual({
      slug: 'acme',
      filter: { destNamespaces: [{ value: 'db', type: 'EXACT' }] },
    });
    const arrive = (id: string, sourceName: string) =>
      act(() => live.next?.({ flowsLive: { truncated: false, flows: [{ ...flow, id, sourceName }] } }));

    arrive('f2', 'checkout-*');
    expect(await screen.findByText('frontend/checkout-*')).toBeTruthy();
    const sources = () =>
      [...document.querySelectorAll('.flow-row td:nth-child(3)')].map((td) => td.textContent);
    expect(sources()).toEqual(['frontend/checkout-*', 'frontend/storefront-*']);

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    arrive('f3', 'cart-*');
    expect(await screen.findByText('Paused: 1 new')).toBeTruthy();
    expect(screen.queryByText('frontend/cart-*')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(await screen.findByText('frontend/cart-*')).toBeTruthy();
    expect(sources()).toEqual(['frontend/cart-*', 'frontend/checkout-*', 'frontend/storefront-*']);
  });
});
