// The single sign-on page as an owner and as an admin sees it: owners get the settings, the
// mappings editor saves what it parsed and the dry run shows who would get what; admins get
// neither the section nor the page.
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../test/render-app';

vi.mock('../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

const settings = {
  organization: {
    id: 'o1',
    ssoConnections: [
      {
        id: 'c1',
        kind: 'SAML',
        name: 'Acme Okta',
        enabled: true,
        groupsClaim: 'groups',
        oidc: null,
        saml: {
          idpEntityId: 'https://idp.acme.test/',
          idpSsoUrl: 'https://idp.acme.test/sso',
          metadataUrl: null,
          clockSkewSeconds: 60,
          spEntityId: 'https://palisade.test/sso/saml/c1/metadata',
          spMetadataUrl: 'https://palisade.test/sso/saml/c1/metadata',
          acsUrl: 'https://palisade.test/sso/saml/c1/acs',
        },
        groupMappings: [{ groupName: 'eng', role: 'EDITOR' }],
      },
    ],
    ssoDomains: [
      {
        id: 'd1',
        domain: 'acme.test',
        verified: false,
        verifiedAt: null,
        proofRecordName: '_palisade-challenge.acme.test',
        proofRecordValue: 'palisade-domain-verification=abc',
        connectionId: null,
        requireSso: false,
      },
    ],
  },
};

describe('single sign-on settings', () => {
  it('an owner edits mappings, previews who gets what, and saves', async () => {
    const calls = mockApi({
      Viewer: () => viewerFixture('OWNER'),
      OrgHeader: () => orgHeaderFixture('OWNER'),
      SsoSettings: () => settings,
      SsoRolePreview: () => ({
        organization: {
          id: 'o1',
          ssoRolePreview: [
            {
              email: 'gina@acme.test',
              groups: ['eng'],
              currentRole: 'EDITOR',
              resultingRole: 'AUDITOR',
              change: 'UPDATE',
            },
          ],
        },
      }),
      SetSsoGroupMappings: () => ({ setSsoGroupMappings: { id: 'c1' } }),
    });
    renderApp('/o/acme/sso');
    const card = await screen.findByRole('region', { name: 'Connection Acme Okta' });
    expect(within(card).getByLabelText('SP metadata URL to give the IdP').textContent).toBe(
      'https://palisade.test/sso/saml/c1/metadata',
    );
    expect(screen.getByText('_palisade-challenge.acme.test')).toBeTruthy();
    const editor = within(card).getByLabelText('Group mappings');
    fireEvent.change(editor, { target: { value: 'eng = OWNER' } });
    expect(
      await within(card).findByText('Line 1: the role must be ADMIN, EDITOR, AUDITOR or VIEWER'),
    ).toBeTruthy();
    fireEvent.change(editor, { target: { value: 'eng = auditor' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Preview who gets what' }));
    expect(await within(card).findByText('gina@acme.test')).toBeTruthy();
    expect(within(card).getByText('UPDATE')).toBeTruthy();
    fireEvent.click(within(card).getByRole('button', { name: 'Save mappings' }));
    await vi.waitFor(() => expect(calls.some((c) => c.operation === 'SetSsoGroupMappings')).toBe(true));
    expect(calls.find((c) => c.operation === 'SetSsoGroupMappings')?.variables).toEqual({
      input: { orgSlug: 'acme', connectionId: 'c1', mappings: [{ groupName: 'eng', role: 'AUDITOR' }] },
    });
    expect(calls.find((c) => c.operation === 'SsoRolePreview')?.variables['mappings']).toEqual([
      { groupName: 'eng', role: 'AUDITOR' },
    ]);
  });

  it('shows an error state the owner can retry', async () => {
    mockApi({ Viewer: () => viewerFixture('OWNER'), OrgHeader: () => orgHeaderFixture('OWNER') });
    renderApp('/o/acme/sso');
    expect(await screen.findByText(/no mock for SsoSettings/)).toBeTruthy();
  });

  it('an admin has no single sign-on section and the page says owners only', async () => {
    const calls = mockApi({
      Viewer: () => viewerFixture('ADMIN'),
      OrgHeader: () => orgHeaderFixture('ADMIN'),
    });
    renderApp('/o/acme/sso');
    expect(await screen.findByText('Only owners of the organisation configure single sign-on.')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    expect(within(nav).queryByRole('link', { name: 'Single sign-on' })).toBeNull();
    expect(calls.some((c) => c.operation === 'SsoSettings')).toBe(false);
  });
});
