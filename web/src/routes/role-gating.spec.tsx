// Pages as members of each role see them: only the actions the role allows are offered.
import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../test/render-app';

vi.mock('../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

const clusters = {
  organization: {
    id: 'o1',
    clusters: {
      totalCount: 1,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: [
        {
          node: {
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
          },
        },
      ],
    },
  },
};

const tokens = {
  organization: {
    id: 'o1',
    apiTokens: {
      totalCount: 1,
      edges: [
        {
          node: {
            id: 't1',
            name: 'ci',
            prefix: 'pal_abc',
            role: 'VIEWER',
            scope: { clusterSelector: '', tiers: null, organizationWide: true },
            createdAt: new Date().toISOString(),
            createdBy: 'alice@example.com',
            expiresAt: new Date(Date.now() + 86400e3).toISOString(),
            lastUsedAt: null,
            revokedAt: null,
          },
        },
      ],
    },
  },
};

function api(role: string) {
  return mockApi({
    Viewer: () => viewerFixture(role),
    OrgHeader: () => orgHeaderFixture(role),
    Clusters: () => clusters,
    ApiTokens: () => tokens,
  });
}

describe('role-gated actions', () => {
  it('a viewer sees clusters but no connect button, and no tokens or audit sections', async () => {
    api('VIEWER');
    renderApp('/o/acme/clusters');
    expect(await screen.findByRole('link', { name: 'prod-eu' })).toBeTruthy();
    expect(screen.getByText('Connected')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Connect cluster' })).toBeNull();
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((l) => l.textContent),
    ).toEqual([
      'Dashboard',
      'Clusters',
      'Policies',
      'Flows',
      'Service graph',
      'Recommendations',
      'Compliance',
      'Members',
    ]);
  });

  it('an editor may connect clusters', async () => {
    api('EDITOR');
    renderApp('/o/acme/clusters');
    expect(await screen.findByRole('button', { name: 'Connect cluster' })).toBeTruthy();
  });

  it('an auditor gets the audit log but not tokens', async () => {
    api('AUDITOR');
    renderApp('/o/acme/clusters');
    await screen.findByRole('link', { name: 'Audit log' });
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    const links = within(nav)
      .getAllByRole('link')
      .map((l) => l.textContent);
    expect(links).toContain('Audit log');
    expect(links).not.toContain('API tokens');
  });

  it('a viewer opening /tokens is told what the role allows, and the tokens are not asked for', async () => {
    const calls = api('VIEWER');
    renderApp('/o/acme/tokens');
    expect(
      await screen.findByRole('heading', { name: 'API tokens are not available to your role' }),
    ).toBeTruthy();
    const allows = screen.getByRole('list', { name: 'What Viewer may do' });
    expect(allows.textContent).toContain('see policies, tiers and their sync');
    expect(allows.textContent).not.toContain('create and revoke API tokens');
    expect(screen.queryByText('Something went wrong')).toBeNull();
    expect(calls.map((c) => c.operation)).not.toContain('ApiTokens');
  });

  it('an editor limited to a tier gets what its binding holds: no flows, no connect button, its limits shown', async () => {
    mockApi({
      Viewer: () => viewerFixture('EDITOR'),
      OrgHeader: () => ({
        organization: {
          ...orgHeaderFixture('EDITOR').organization,
          viewerAccess: {
            permissions: ['org:read', 'members:read', 'clusters:read', 'policies:read', 'policies:write'],
            scope: { clusterSelector: '', tiers: ['application'], organizationWide: false },
          },
        },
      }),
      Clusters: () => clusters,
    });
    renderApp('/o/acme/clusters');
    expect(await screen.findByRole('link', { name: 'prod-eu' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Connect cluster' })).toBeNull();
    expect(screen.getByText('tiers application')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    const links = within(nav)
      .getAllByRole('link')
      .map((l) => l.textContent);
    expect(links).toContain('Policies');
    expect(links).not.toContain('Flows');
  });

  it('an admin may create and revoke tokens', async () => {
    api('ADMIN');
    renderApp('/o/acme/tokens');
    expect(await screen.findByRole('button', { name: 'Create token' })).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Revoke ci' })).toBeTruthy();
  });

  it('asks for sign-in when there is no session, returning to the same page', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(
            JSON.stringify({ errors: [{ message: 'sign in', extensions: { code: 'UNAUTHENTICATED' } }] }),
          ),
        ),
      ),
    );
    renderApp('/o/acme/audit');
    const link = await screen.findByRole('link', { name: 'Sign in with your identity provider' });
    expect(link.getAttribute('href')).toBe(`/auth/login?returnTo=${encodeURIComponent('/o/acme/audit')}`);
  });
});
