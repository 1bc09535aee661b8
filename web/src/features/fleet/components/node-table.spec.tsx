import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../../lib/query-client';
import { mockApi } from '../../../test/render-app';
import { NodeTable } from './node-table';

const node = (name: string, extra: Record<string, unknown>) => ({
  name,
  dataplane: 'IPTABLES',
  wireguardEnabled: true,
  wireguardPublicKey: true,
  encrypting: true,
  mtu: 1440,
  calicoVersion: 'v3.29.1',
  reportedAt: new Date().toISOString(),
  ...extra,
});

function wrap(children: ReactNode) {
  return <QueryClientProvider client={createQueryClient()}>{children}</QueryClientProvider>;
}

afterEach(() => vi.unstubAllGlobals());

describe('NodeTable', () => {
  it("shows each node's dataplane and encryption, and how many nodes encrypt", async () => {
    mockApi({
      ClusterNodes: () => ({
        organization: {
          id: 'o',
          cluster: {
            id: 'c',
            nodes: [
              node('prod-node-1', { dataplane: 'BPF' }),
              node('prod-node-2', {}),
              node('prod-node-3', { wireguardPublicKey: false, encrypting: false }),
            ],
          },
        },
      }),
    });
    render(wrap(<NodeTable slug="acme" name="prod" />));
    expect(await screen.findByText('2 of 3 nodes encrypting')).toBeTruthy();
    const rows = screen.getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .slice(0, 3)
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['prod-node-1', 'eBPF', 'WireGuard'],
      ['prod-node-2', 'iptables', 'WireGuard'],
      ['prod-node-3', 'iptables', 'not encrypting: no public key'],
    ]);
  });

  it('says when no node was reported', async () => {
    mockApi({ ClusterNodes: () => ({ organization: { id: 'o', cluster: { id: 'c', nodes: [] } } }) });
    render(wrap(<NodeTable slug="acme" name="prod" />));
    expect(await screen.findByText('No nodes reported yet')).toBeTruthy();
  });
});
