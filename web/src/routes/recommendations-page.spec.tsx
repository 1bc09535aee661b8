// The recommendations page as members see it: rules with their flows, the actions a role and a
// state allow, and what accepting sends.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, orgHeaderFixture, renderApp, viewerFixture } from '../test/render-app';

vi.mock('../lib/subscriptions', () => ({ subscribe: () => () => undefined }));

const YAML = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata:
  name: namespace-isolation.backend
  namespace: backend
spec:
  stagedAction: Set
  tier: namespace-isolation
  selector: projectcalico.org/namespace == 'backend'
  ingress:
    - action: Allow
      protocol: TCP
      source:
        namespaceSelector: projectcalico.org/name == 'frontend'
      destination:
        ports: [8080]
      metadata:
        annotations:
          palisade.io/recommended-from: frontend/storefront-* > backend/api-*:8080/tcp
  egress: []
`;

function rec(id: string, cluster: string, namespace: string, state: string) {
  return {
    id,
    cluster,
    namespace,
    state,
    stable: true,
    changedAt: new Date().toISOString(),
    windowFrom: new Date(Date.now() - 86_400_000).toISOString(),
    windowTo: new Date().toISOString(),
    unmatchedFlows: 0,
    yaml: YAML.replaceAll('backend', namespace),
    rules: [{ direction: 'ingress', index: 0, flowKeys: ['k1', 'k2', 'k3'] }],
  };
}

function api(role: string, labels = [{ key: 'env', value: 'prod' }]) {
  return mockApi({
    Viewer: () => viewerFixture(role),
    OrgHeader: () => orgHeaderFixture(role),
    PolicyRecommendations: () => ({
      organization: {
        id: 'o1',
        recommendationScope: {
          enabled: true,
          intervalSeconds: 150,
          initialLookbackSeconds: 86_400,
          stabilizationSeconds: 600,
          excludedNamespacePrefixes: ['kube-'],
          intraNamespace: 'ALLOW',
          refreshedAt: null,
        },
        clusters: { edges: [{ node: { id: 'c1', name: 'shop', labels } }] },
        tiers: [{ name: 'default' }],
        policyRecommendations: {
          totalCount: 2,
          pageInfo: { hasNextPage: false, endCursor: null },
          edges: [
            { node: rec('r2', 'shop', 'db', 'ACCEPTED') },
            { node: rec('r1', 'shop', 'backend', 'RECOMMENDED') },
          ],
        },
      },
    }),
    SetRecommendationScope: (v) => ({
      setRecommendationScope: { ...(v['input'] as object), refreshedAt: null },
    }),
    AcceptPolicyRecommendation: () => ({
      acceptPolicyRecommendation: rec('r1', 'shop', 'backend', 'ACCEPTED'),
    }),
  });
}

describe('recommendations page', () => {
  it('shows the first recommendation’s rules with the flows behind them, and accepts it', async () => {
    const calls = api('EDITOR');
    renderApp('/o/acme/recommendations');
    const detail = await screen.findByRole('region', { name: 'Recommendation for shop/backend' });
    const rules = within(detail).getByRole('list', { name: 'Recommended rules' });
    expect(rules.textContent).toContain('TCP 8080');
    expect(rules.textContent).toContain('namespace frontend');
    expect(rules.textContent).toContain('3 flows behind it');
    expect(within(rules).getByRole('list', { name: 'Flows behind this rule' }).textContent).toBe(
      'frontend/storefront-* > backend/api-*:8080/tcp',
    );
    expect(within(detail).queryByRole('button', { name: 'Enforce…' })).toBeNull();
    await userEvent.click(within(detail).getByRole('button', { name: 'Accept as staged policy' }));
    await waitFor(() => expect(calls.some((c) => c.operation === 'AcceptPolicyRecommendation')).toBe(true));
    expect(calls.find((c) => c.operation === 'AcceptPolicyRecommendation')?.variables).toEqual({
      input: { orgSlug: 'acme', id: 'r1' },
    });
  });

  it('offers enforce for an accepted one', async () => {
    api('ADMIN');
    renderApp('/o/acme/recommendations');
    await userEvent.click(await screen.findByRole('button', { name: /^db/ }));
    const detail = await screen.findByRole('region', { name: 'Recommendation for shop/db' });
    expect(within(detail).getByRole('button', { name: 'Enforce…' })).toBeTruthy();
    expect(within(detail).queryByRole('button', { name: 'Accept as staged policy' })).toBeNull();
  });

  it('says a cluster without labels must get one before accepting', async () => {
    api('EDITOR', []);
    renderApp('/o/acme/recommendations');
    const detail = await screen.findByRole('region', { name: 'Recommendation for shop/backend' });
    expect(
      within(detail).getByRole('button', { name: 'Accept as staged policy' }).hasAttribute('disabled'),
    ).toBe(true);
    expect(within(detail).getByRole('note').textContent).toContain('give shop a label');
  });

  it('changes the recommendation scope in its settings', async () => {
    const calls = api('ADMIN');
    renderApp('/o/acme/recommendations');
    await userEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Recommendation settings' });
    await userEvent.click(within(dialog).getByRole('checkbox'));
    const lookback = within(dialog).getByLabelText('Build from the last (hours)');
    await userEvent.clear(lookback);
    await userEvent.type(lookback, '12');
    const prefixes = within(dialog).getByLabelText('Excluded namespace prefixes');
    await userEvent.clear(prefixes);
    await userEvent.type(prefixes, 'kube-, calico-, kube-');
    await userEvent.selectOptions(within(dialog).getByLabelText('Traffic inside a namespace'), 'PASS');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(calls.some((c) => c.operation === 'SetRecommendationScope')).toBe(true));
    expect(calls.find((c) => c.operation === 'SetRecommendationScope')?.variables).toEqual({
      input: {
        orgSlug: 'acme',
        enabled: false,
        intervalSeconds: 150,
        initialLookbackSeconds: 43_200,
        stabilizationSeconds: 600,
        excludedNamespacePrefixes: ['kube-', 'calico-'],
        intraNamespace: 'PASS',
      },
    });
  });

  it('a viewer sees recommendations but no action', async () => {
    api('VIEWER');
    renderApp('/o/acme/recommendations');
    const detail = await screen.findByRole('region', { name: 'Recommendation for shop/backend' });
    expect(
      within(detail)
        .queryAllByRole('button')
        .filter((b) => b.getAttribute('role') !== 'tab'),
    ).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Refresh now' })).toBeNull();
  });
});
