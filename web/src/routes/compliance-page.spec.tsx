// The compliance pages as members see them: who may define and run reports, the editor's cron
// helper and live scope count, and what creating a definition sends.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../test/render-app';

vi.mock('../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

const now = new Date().toISOString();
const run = {
  id: 'run1',
  definitionName: 'weekly',
  type: 'INVENTORY',
  status: 'RUNNING',
  progress: 40,
  trigger: 'ON_DEMAND',
  requestedBy: 'alice@example.com',
  intervalStart: '2026-12-05T00:00:00.000Z',
  intervalEnd: '2026-12-06T00:00:00.000Z',
  attempts: 1,
  error: null,
  createdAt: now,
  startedAt: now,
  finishedAt: null,
};
const definition = {
  id: 'd1',
  name: 'weekly',
  type: 'INVENTORY',
  schedule: '0 6 * * 1',
  suspend: false,
  revision: 1,
  createdAt: now,
  updatedAt: now,
  scope: {
    endpointSelector: '',
    namespaceNames: ['shop'],
    namespaceSelector: '',
    serviceAccountNames: [],
    serviceAccountSelector: '',
    clusterSelector: '',
  },
  nextRunTimes: ['2026-12-07T06:00:00.000Z'],
  activeRuns: [run],
  lastSuccessfulRuns: [],
  lastFailedRuns: [],
};

function api(role: string) {
  return mockApi({
    Viewer: () => viewerFixture(role),
    OrgHeader: () => orgHeaderFixture(role),
    ReportDefinitions: () => ({
      organization: {
        id: 'o1',
        reportDefinitions: {
          totalCount: 1,
          pageInfo: { hasNextPage: false, endCursor: null },
          edges: [{ node: definition }],
        },
      },
    }),
    ReportScopeCount: (v) => {
      const scope = (v['scope'] ?? {}) as { clusterSelector?: string };
      const prodOnly = scope.clusterSelector === "env == 'prod'";
      const clusters = prodOnly
        ? [{ cluster: 'shop', endpoints: 12 }]
        : [
            { cluster: 'lab', endpoints: 5 },
            { cluster: 'shop', endpoints: 12 },
          ];
      const endpoints = clusters.reduce((n, c) => n + c.endpoints, 0);
      return {
        organization: {
          id: 'o1',
          reportScopeCount: {
            endpoints,
            namespaces: clusters.length,
            serviceAccounts: clusters.length,
            clusters,
          },
        },
      };
    },
    CreateReportDefinition: (v) => ({
      createReportDefinition: { ...definition, name: (v['input'] as { name: string }).name },
    }),
  });
}

describe('compliance pages', () => {
  it('lists definitions with their scope, schedule and a running run’s progress', async () => {
    api('VIEWER');
    renderApp('/o/acme/compliance');
    const link = await screen.findByRole('link', { name: 'weekly' });
    const row = link.closest('tr')!;
    expect(row.textContent).toContain('Inventory');
    expect(row.textContent).toContain('namespaces shop; every cluster');
    expect(row.textContent).toContain('0 6 * * 1');
    expect(within(row).getByText('Running 40%')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'New report' })).toBeNull();
  });

  it('an admin creates one with the cron helper and the live count of endpoints in scope', async () => {
    const calls = api('ADMIN');
    renderApp('/o/acme/compliance');
    await userEvent.click(await screen.findByRole('button', { name: 'New report' }));
    const dialog = screen.getByRole('dialog', { name: 'New report' });
    await userEvent.type(within(dialog).getByLabelText('Name'), 'prod-access');
    const cron = within(dialog).getByLabelText('Cron schedule (UTC)');
    await userEvent.clear(cron);
    await userEvent.type(cron, '0 0 *');
    expect(within(dialog).getByText(/five fields/)).toBeTruthy();
    await userEvent.selectOptions(within(dialog).getByLabelText('Preset'), '0 * * * *');
    expect(within(dialog).getAllByRole('listitem')).toHaveLength(5);

    const count = within(dialog).getByTestId('scope-count');
    await waitFor(() =>
      expect(count.textContent).toBe(
        '17 endpoints in scope now (2 namespaces, 2 service accounts) on 2 clusters — lab: 5, shop: 12.',
      ),
    );
    await userEvent.type(within(dialog).getByLabelText('Cluster selector'), "env == 'prod'");
    await waitFor(() => expect(count.textContent).toContain('12 endpoints in scope now'));
    expect(count.textContent).toContain('on 1 cluster — shop: 12.');
    expect(calls.filter((c) => c.operation === 'ReportScopeCount').at(-1)?.variables['scope']).toMatchObject({
      clusterSelector: "env == 'prod'",
    });
    await userEvent.type(within(dialog).getByLabelText('Service account selector'), 'has(role)');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Create report' }));
    await waitFor(() => expect(calls.some((c) => c.operation === 'CreateReportDefinition')).toBe(true));
    expect(calls.find((c) => c.operation === 'CreateReportDefinition')?.variables).toEqual({
      input: {
        orgSlug: 'acme',
        name: 'prod-access',
        type: 'INVENTORY',
        schedule: '0 * * * *',
        suspend: false,
        scope: {
          endpointSelector: '',
          namespaceNames: [],
          namespaceSelector: '',
          serviceAccountNames: [],
          serviceAccountSelector: 'has(role)',
          clusterSelector: "env == 'prod'",
        },
      },
    });
  });

  it('blocks a selector that does not parse, naming the field', async () => {
    api('OWNER');
    renderApp('/o/acme/compliance');
    await userEvent.click(await screen.findByRole('button', { name: 'New report' }));
    const dialog = screen.getByRole('dialog', { name: 'New report' });
    await userEvent.type(within(dialog).getByLabelText('Name'), 'x');
    await userEvent.type(within(dialog).getByLabelText('Endpoint selector'), 'app ==');
    expect(within(dialog).getByLabelText('Endpoint selector').getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByRole('button', { name: 'Create report' }).hasAttribute('disabled')).toBe(true);
    expect(within(dialog).getByTestId('scope-count').textContent).toBe(
      'Fix the selectors to count what is in scope.',
    );
  });
});
