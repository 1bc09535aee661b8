// The SCIM section of the members page: owners only; issuing a token shows its secret once;
// mapping a group sends the role; other roles never see the section or ask for it.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../../test/render-app';

vi.mock('../../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

function api(role: string) {
  return mockApi({
    Viewer: () => viewerFixture(role),
    OrgHeader: () => orgHeaderFixture(role),
    Members: () => ({
      organization: {
        id: 'o1',
        viewerRole: role,
        members: { totalCount: 0, edges: [] },
        invitations: { totalCount: 0, edges: [] },
      },
    }),
    MySessions: () => ({ viewer: { kind: 'USER', sessions: [] } }),
    SessionPolicy: () => ({
      organization: {
        id: 'o1',
        sessionPolicy: { maxLifetimeMinutes: null, idleTimeoutMinutes: null, updatedAt: null },
      },
    }),
    ScimSettings: () => ({
      organization: {
        id: 'o1',
        scim: {
          endpoint: 'http://localhost/scim/v2/orgs/acme',
          token: null,
          groups: [{ id: 'g1', displayName: 'Platform', memberCount: 3, role: null }],
        },
      },
    }),
    IssueScimToken: () => ({
      issueScimToken: { secret: 'scim_secret-shown-once', token: { id: 't1', prefix: 'scim_secret' } },
    }),
    SetScimGroupRole: (v) => ({
      setScimGroupRole: { id: 'g1', role: (v['input'] as { role: string }).role },
    }),
  });
}

describe('SCIM provisioning on the members page', () => {
  it('an owner issues a token (shown once) and maps a group to a role', async () => {
    const calls = api('OWNER');
    renderApp('/o/acme/members');
    const section = await screen.findByRole('region', { name: 'SCIM provisioning' });
    expect(within(section).getByText(/Provisioning is off/)).toBeTruthy();
    fireEvent.click(within(section).getByRole('button', { name: 'Issue token' }));
    expect(await within(section).findByText('scim_secret-shown-once')).toBeTruthy();
    fireEvent.change(within(section).getByLabelText('Role for Platform'), { target: { value: 'EDITOR' } });
    await waitFor(() =>
      expect(calls.find((c) => c.operation === 'SetScimGroupRole')?.variables).toEqual({
        input: { orgSlug: 'acme', groupId: 'g1', role: 'EDITOR' },
      }),
    );
    expect(calls.some((c) => c.operation === 'IssueScimToken')).toBe(true);
  });

  it('an admin neither sees it nor asks for it', async () => {
    const calls = api('ADMIN');
    renderApp('/o/acme/members');
    await screen.findByRole('region', { name: 'Your sessions' });
    expect(screen.queryByRole('region', { name: 'SCIM provisioning' })).toBeNull();
    expect(calls.some((c) => c.operation === 'ScimSettings')).toBe(false);
  });
});
