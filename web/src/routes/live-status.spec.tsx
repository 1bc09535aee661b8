// Truthful liveness (issue 20 item 5): while the live subscription is down or the API does not
// answer, every organisation page says so, and cluster statuses are marked stale instead of
// "Connected · now"; when the link is back the banner goes and the list is fetched again, since
// events were missed meanwhile. The HTTP client reports an API that gives no answer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import { SyncPill } from '../features/policies/components/sync-pill';
import { ViewerDocument } from '../generated/graphql';
import { gqlRequest } from '../lib/graphql-client';
import { liveState, markLive, markLiveDropped, resetLiveState } from '../lib/live-connection';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../test/render-app';

vi.mock('../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

const node = {
  id: 'c1',
  name: 'prod-eu',
  status: 'CONNECTED',
  provider: 'simulated',
  agentVersion: '0.1.0',
  calicoVersion: '3.30.0',
  kubernetesVersion: '1.31.0',
  lastSeenAt: new Date().toISOString(),
  connectedSince: new Date().toISOString(),
  createdAt: new Date().toISOString(),
  inventoryUpdatedAt: null,
  labels: [{ key: 'env', value: 'prod' }],
};
const clusters = {
  organization: {
    id: 'o1',
    clusters: { totalCount: 1, pageInfo: { hasNextPage: false, endCursor: null }, edges: [{ node }] },
  },
};

function api() {
  return mockApi({
    Viewer: () => viewerFixture('VIEWER'),
    OrgHeader: () => orgHeaderFixture('VIEWER'),
    Clusters: () => clusters,
  });
}

function row(): HTMLElement {
  const cell = screen.getByRole('link', { name: 'prod-eu' }).closest('tr');
  if (!cell) throw new Error('no row for prod-eu');
  return cell;
}

afterEach(() => resetLiveState());

describe('live status in the console', () => {
  it('marks statuses stale while the live link is down, and refetches when it is back', async () => {
    const calls = api();
    renderApp('/o/acme/clusters');
    await screen.findByRole('link', { name: 'prod-eu' });
    act(() => markLive());
    expect(within(row()).getByText('Connected')).toBeTruthy();
    expect(within(row()).getByText('now')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();

    act(() => markLiveDropped());

    const banner = screen.getByRole('alert');
    expect(banner.textContent).toMatch(
      /^Live updates from Palisade stopped at .+\. Statuses shown are the last known ones, marked stale; reconnecting…$/,
    );
    expect(within(row()).getByText('Connected (stale)')).toBeTruthy();
    expect(within(row()).queryByText('now')).toBeNull();
    expect(within(row()).getByText(/^unconfirmed since /)).toBeTruthy();

    const fetched = calls.filter((c) => c.operation === 'Clusters').length;
    act(() => markLive());
    expect(screen.queryByRole('alert')).toBeNull();
    expect(within(row()).getByText('Connected')).toBeTruthy();
    await vi.waitFor(() =>
      expect(calls.filter((c) => c.operation === 'Clusters').length).toBeGreaterThan(fetched),
    );
  });

  it('marks policy sync states stale too', () => {
    act(() => markLive());
    const { container } = render(<SyncPill status="IN_SYNC" />);
    expect(container.textContent).toBe('In sync');
    act(() => markLiveDropped());
    expect(container.textContent).toBe('In sync (stale)');
    act(() => markLive());
    expect(container.textContent).toBe('In sync');
  });

  it('says the API does not answer when a request gets no response, until one does', async () => {
    api();
    renderApp('/o/acme/clusters');
    await screen.findByRole('link', { name: 'prod-eu' });
    act(() => markLive());

    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await act(async () => {
      await expect(gqlRequest(ViewerDocument, {})).rejects.toMatchObject({ code: 'NETWORK' });
    });
    expect(liveState()).toMatchObject({ kind: 'down', problem: 'api-unreachable' });
    expect(screen.getByRole('alert').textContent).toMatch(/^No answer from the Palisade API since /);
    expect(within(row()).getByText('Connected (stale)')).toBeTruthy();

    api();
    await act(async () => {
      await gqlRequest(ViewerDocument, {});
    });
    expect(liveState().kind).toBe('live');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
