// Forms: validation messages next to their fields before any request, and the API's own refusals.
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../components/ui/toast';
import { createQueryClient } from '../lib/query-client';
import { mockApi } from '../test/render-app';
import { CreateOrgForm } from './orgs/components/create-org-form';
import { slugFromName } from './orgs/validation';
import { InviteForm } from './members/components/invite-form';
import { CreateTokenDialog } from './tokens/components/create-token-dialog';
import { parseLabels } from './clusters/validation';
import { selectorError } from './clusters/components/inventory-endpoints';

vi.mock('../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

function wrap(children: ReactNode) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>,
  );
}

describe('create organisation form', () => {
  it('derives the URL name and reports empty and invalid fields at the fields', async () => {
    const calls = mockApi({});
    const user = userEvent.setup();
    wrap(<CreateOrgForm onCreated={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Create organisation' }));
    expect(screen.getByLabelText('Organisation name').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      'Enter a name.',
      'Enter a URL name.',
    ]);
    await user.type(screen.getByLabelText('Organisation name'), 'Acme Corp');
    expect(screen.getByLabelText<HTMLInputElement>('URL name').value).toBe('acme-corp');
    await user.clear(screen.getByLabelText('URL name'));
    await user.type(screen.getByLabelText('URL name'), '-Bad');
    expect(screen.getByRole('alert').textContent).toMatch(/lower-case letters, digits and dashes/);
    expect(calls).toEqual([]);
  });

  it('submits and shows a taken slug at the slug field', async () => {
    mockApi({
      CreateOrganization: () => {
        throw new Error('unreachable');
      },
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(
            JSON.stringify({ errors: [{ message: 'slug taken', extensions: { code: 'CONFLICT' } }] }),
          ),
        ),
      ),
    );
    const user = userEvent.setup();
    wrap(<CreateOrgForm onCreated={() => undefined} />);
    await user.type(screen.getByLabelText('Organisation name'), 'Acme');
    await user.click(screen.getByRole('button', { name: 'Create organisation' }));
    expect(await screen.findByText('That URL name is taken; choose another.')).toBeTruthy();
  });

  it('makes slugs from names', () => {
    expect(slugFromName('  Ünïcode Café — Ops!  ')).toBe('unicode-cafe-ops');
  });
});

describe('invite form', () => {
  it('validates the email and offers only roles within the inviter’s', async () => {
    const calls = mockApi({
      InviteMember: (v) => ({
        inviteMember: {
          id: 'i1',
          email: (v['input'] as { email: string }).email,
          role: 'VIEWER',
          status: 'PENDING',
        },
      }),
    });
    const user = userEvent.setup();
    wrap(<InviteForm slug="acme" viewerRole="EDITOR" />);
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Editor', 'Viewer']);
    await user.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect(screen.getByRole('alert').textContent).toBe('Enter an email address.');
    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    expect(screen.getByRole('alert').textContent).toMatch(/valid email address/);
    await user.clear(screen.getByLabelText('Email'));
    await user.type(screen.getByLabelText('Email'), 'dave@example.com');
    await user.click(screen.getByRole('button', { name: 'Send invitation' }));
    await waitFor(() => expect(calls.map((c) => c.operation)).toEqual(['InviteMember']));
    expect(calls[0]?.variables).toEqual({
      input: { orgSlug: 'acme', email: 'dave@example.com', role: 'VIEWER', scope: null },
    });
    expect(await screen.findByText('Invitation sent to dave@example.com')).toBeTruthy();
  });
});

describe('create token dialog', () => {
  it('validates name and lifetime, then shows the secret once with a copy button', async () => {
    const calls = mockApi({
      CreateApiToken: () => ({
        createApiToken: {
          secret: 'pal_secret123',
          token: { id: 't1', name: 'ci', prefix: 'pal_sec', role: 'VIEWER', expiresAt: null },
        },
      }),
    });
    const user = userEvent.setup();
    const onClose = vi.fn();
    wrap(<CreateTokenDialog slug="acme" viewerRole="ADMIN" open onClose={onClose} />);
    await user.clear(screen.getByLabelText('Expires after (days)'));
    await user.type(screen.getByLabelText('Expires after (days)'), '400');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      'Enter a name, e.g. ci-deploy.',
      'Choose between 1 and 365 days.',
    ]);
    expect(calls).toEqual([]);
    await user.type(screen.getByLabelText('Name'), 'ci');
    await user.clear(screen.getByLabelText('Expires after (days)'));
    await user.type(screen.getByLabelText('Expires after (days)'), '30');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByLabelText('Token secret')).toBeTruthy();
    expect(screen.getByLabelText('Token secret').textContent).toBe('pal_secret123');
    expect(calls[0]?.variables).toEqual({
      input: { orgSlug: 'acme', name: 'ci', role: 'VIEWER', expiresInDays: 30, scope: null },
    });
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('limits a token to clusters and tiers, checking the selector and the role first', async () => {
    const calls = mockApi({
      CreateApiToken: () => ({
        createApiToken: {
          secret: 'pal_scoped',
          token: { id: 't2', name: 'staging-ci', prefix: 'pal_sco', role: 'EDITOR', expiresAt: null },
        },
      }),
    });
    const user = userEvent.setup();
    wrap(<CreateTokenDialog slug="acme" viewerRole="OWNER" open onClose={vi.fn()} />);
    await user.type(screen.getByLabelText('Name'), 'staging-ci');
    await user.selectOptions(screen.getByLabelText('Role'), 'ADMIN');
    await user.type(screen.getByLabelText('Limit to clusters'), 'env ==');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const alerts = screen.getAllByRole('alert').map((a) => a.textContent);
    expect(alerts).toContain('The admin role cannot be limited to clusters or tiers.');
    expect(alerts.some((a) => a?.startsWith('Not a valid selector'))).toBe(true);
    expect(calls).toEqual([]);
    await user.selectOptions(screen.getByLabelText('Role'), 'EDITOR');
    await user.clear(screen.getByLabelText('Limit to clusters'));
    await user.type(screen.getByLabelText('Limit to clusters'), 'env == "staging"');
    await user.type(screen.getByLabelText('Limit to tiers'), 'application, security');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByLabelText('Token secret')).toBeTruthy();
    expect(calls[0]?.variables).toEqual({
      input: {
        orgSlug: 'acme',
        name: 'staging-ci',
        role: 'EDITOR',
        expiresInDays: 90,
        scope: { clusterSelector: 'env == "staging"', tiers: ['application', 'security'] },
      },
    });
  });
});

describe('cluster inputs', () => {
  it('parses labels and names the first problem', () => {
    expect(parseLabels('env=prod, region = eu')).toEqual({
      labels: [
        { key: 'env', value: 'prod' },
        { key: 'region', value: 'eu' },
      ],
    });
    expect(parseLabels('env').error).toBe('"env" is not key=value.');
    expect(parseLabels('env=a, env=b').error).toBe('The key "env" appears twice.');
    expect(parseLabels('-x=1').error).toBe('"-x" is not a valid label key.');
  });

  it('checks selectors with the policy package', () => {
    expect(selectorError('app == "web"')).toBeUndefined();
    expect(selectorError('app == ')).toMatch(/invalid selector at position/);
  });
});
