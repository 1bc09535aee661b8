// The members page's session sections (decision 0110): your sessions with the current one marked
// and ending another; owners get the session policy form and "End sessions" per member, which
// other roles do not see; the form refuses minutes outside the API's bounds before a round trip.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../../test/render-app';
import { describeBrowser } from './components/your-sessions';

vi.mock('../../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

const now = new Date().toISOString();
const wholeOrg = { clusterSelector: '', tiers: null, organizationWide: true };
const members = (role: string) => ({
  organization: {
    id: 'o1',
    viewerRole: role,
    members: {
      totalCount: 2,
      edges: [
        {
          node: {
            role: role,
            joinedAt: now,
            scope: wholeOrg,
            user: { id: 'u1', email: 'alice@example.com', name: 'Alice' },
          },
        },
        {
          node: {
            role: 'VIEWER',
            joinedAt: now,
            scope: wholeOrg,
            user: { id: 'u2', email: 'dave@example.com', name: 'Dave' },
          },
        },
      ],
    },
    invitations: { totalCount: 0, edges: [] },
  },
});
const sessions = {
  viewer: {
    kind: 'USER',
    sessions: [
      {
        id: 's1',
        current: true,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
        ip: '10.0.0.1',
      },
      {
        id: 's2',
        current: false,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now,
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/18.0 Safari/605.1.15',
        ip: '10.0.0.2',
      },
    ],
  },
};
const policy = {
  organization: {
    id: 'o1',
    sessionPolicy: { maxLifetimeMinutes: 720, idleTimeoutMinutes: null, updatedAt: null },
  },
};

function api(role: string) {
  return mockApi({
    Viewer: () => viewerFixture(role),
    OrgHeader: () => orgHeaderFixture(role),
    Members: () => members(role),
    MySessions: () => sessions,
    SessionPolicy: () => policy,
    ScimSettings: () => ({
      organization: { id: 'o1', scim: { endpoint: 'http://x/scim/v2/orgs/acme', token: null, groups: [] } },
    }),
    RevokeSession: (v) => ({
      revokeSession: { id: (v['input'] as { sessionId: string }).sessionId, current: false },
    }),
    EndMemberSessions: () => ({
      endMemberSessions: { endedSessions: 2, member: { user: { id: 'u2', email: 'dave@example.com' } } },
    }),
    UpdateSessionPolicy: (v) => ({ updateSessionPolicy: { ...(v['input'] as object), updatedAt: now } }),
  });
}

describe('sessions on the members page', () => {
  it('lists your sessions, marks this one, and ends another', async () => {
    const calls = api('VIEWER');
    renderApp('/o/acme/members');
    const table = await screen.findByRole('table', { name: 'Your sessions' });
    expect(within(table).getByText('Firefox on Linux')).toBeTruthy();
    expect(within(table).getByText('This session')).toBeTruthy();
    fireEvent.click(within(table).getByRole('button', { name: 'End session' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'End session' }));
    await waitFor(() => expect(calls.some((c) => c.operation === 'RevokeSession')).toBe(true));
    expect(calls.find((c) => c.operation === 'RevokeSession')?.variables).toEqual({
      input: { sessionId: 's2' },
    });
    // A viewer reads the policy, cannot change it, and cannot end others' sessions.
    expect(screen.getByText(/for 720 minutes after sign-in, and end after no limit/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /End all sessions of/ })).toBeNull();
  });

  it('an owner ends all sessions of a member', async () => {
    const calls = api('OWNER');
    renderApp('/o/acme/members');
    fireEvent.click(await screen.findByRole('button', { name: 'End all sessions of dave@example.com' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'End sessions' }));
    await waitFor(() =>
      expect(calls.find((c) => c.operation === 'EndMemberSessions')?.variables).toEqual({
        input: { orgSlug: 'acme', userId: 'u2' },
      }),
    );
    // Not offered for yourself.
    expect(screen.queryByRole('button', { name: 'End all sessions of alice@example.com' })).toBeNull();
  });

  it('an owner sets the session policy; out-of-range minutes are refused before sending', async () => {
    const calls = api('OWNER');
    renderApp('/o/acme/members');
    const idle = await screen.findByLabelText(/Idle timeout/);
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLInputElement>(/Session lifetime/).value).toBe('720'),
    );
    fireEvent.change(idle, { target: { value: '2' } });
    expect(await screen.findByText('Between 5 and 43200 minutes')).toBeTruthy();
    fireEvent.change(idle, { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(calls.find((c) => c.operation === 'UpdateSessionPolicy')?.variables).toEqual({
        input: { orgSlug: 'acme', maxLifetimeMinutes: 720, idleTimeoutMinutes: 30 },
      }),
    );
  });

  it('names browsers from their User-Agent', () => {
    expect(describeBrowser(sessions.viewer.sessions[1]!.userAgent)).toBe('Safari on macOS');
    expect(describeBrowser(null)).toBe('Unknown browser');
  });
});
